"""ferris_says.pipes through the real command: crafted DAGSTER_PIPES_* variables and fake_temp/
directories, the installed ``ferris-says`` run as a subprocess, and the messages it wrote read
back and checked line by line."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.run_command import (
    BLOG_METHODS,
    CLEAN_ENV,
    FERRIS,
    closed_reason,
    dagster_env,
    encode,
    one_error_line,
    read_messages,
    run,
    sha256,
)

from ferris_says import say
from ferris_says.attributes import ASSET_KEY_MAX_BYTES
from ferris_says.bubble import default_width as utf8_length
from ferris_says.pipes import metadata
from ferris_says.pipes.channel import STDIO_LINE_MAX_BYTES, fitted, line_size
from ferris_says.pipes.metadata import METADATA_CAP_BYTES
from ferris_says.pipes.reports import CHECK_SAID_SOMETHING, CHECK_THREE_WORDS

if TYPE_CHECKING:
    from _pytest.mark import ParameterSet
    from dagster_pipes import PipesMessage


def context_env(data: object) -> dict[str, str]:
    return {"DAGSTER_PIPES_CONTEXT": encode({"data": data})}


def messages_env(path: Path | str) -> dict[str, str]:
    return {"DAGSTER_PIPES_MESSAGES": encode({"path": str(path)})}


# ---- the plain shell path ---------------------------------------------------------------------


def test_no_dagster_just_speaks_and_writes_nothing(tmp_path: Path) -> None:
    done = run(["hello", "world"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"< hello world >" in done.stdout
    assert done.stderr == b""
    assert list(tmp_path.iterdir()) == []


def test_cold_start_imports_no_pipes_machinery(tmp_path: Path) -> None:
    """pipes_session with no variables and no ./fake_temp/ imports nothing beyond the package."""
    probe = (
        "import sys, ferris_says, ferris_says.errors, ferris_says.environment\n"
        "before = set(sys.modules)\n"
        "from ferris_says.pipes import pipes_session\n"
        "with pipes_session() as session:\n"
        "    assert session is None\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ferris_says.pipes"]


def test_cold_start_of_the_command_never_imports_dagster_pipes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ferris_says", "hi"],
        check=False,
        cwd=tmp_path,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert not {"dagster_pipes", "zlib", "base64", "hashlib"} & imported


def test_a_session_on_files_never_imports_the_stores_machinery(tmp_path: Path) -> None:
    """The blob stores' bounded calls need http.client and sockets; a run whose context and
    messages are files (what Dagster's subprocess client gives) loads none of it."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ferris_says", "hi"],
        check=False,
        cwd=tmp_path,
        env={
            **CLEAN_ENV,
            **context_env({"asset_keys": ["ferris"]}),
            **messages_env(tmp_path / "m.json"),
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "dagster_pipes" in imported  # a session did start
    assert not {"ferris_says.pipes.stores", "http.client", "socket", "ssl"} & imported


# ---- fake_temp --------------------------------------------------------------------------------


def test_fake_temp_gets_the_blogs_messages_in_order(fake_temp: Path) -> None:
    done = run(["what", "you", "want"], fake_temp)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    messages = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert [m["method"] for m in messages] == BLOG_METHODS
    assert all(m["__dagster_pipes_version"] == "0.1" for m in messages)
    assert [m["params"]["message"] for m in messages[1:3]] == [
        "ferris will now speak",
        "ferris spoke",
    ]
    assert [m["params"]["level"] for m in messages[1:3]] == ["INFO", "INFO"]
    say_something, three_words = messages[3]["params"], messages[4]["params"]
    assert say_something == {
        "asset_key": "ferris",
        "check_name": "ferris_should_say_something",
        "passed": True,
        "severity": "ERROR",
        "metadata": {"what_did_you_say": {"raw_value": True, "type": "bool"}},
    }
    assert three_words == {
        "asset_key": "ferris",
        "check_name": "ferris_should_speak_3_words",
        "passed": True,
        "severity": "WARN",
        "metadata": {"number_of_words_spoken_by_ferris": {"raw_value": 3, "type": "int"}},
    }
    materialization = messages[5]["params"]
    assert materialization["asset_key"] == "ferris"
    assert materialization["data_version"] == sha256("what you want")
    metadata = materialization["metadata"]
    assert metadata["ferris_said"] == {"raw_value": "what you want", "type": "text"}
    assert metadata["ferris"]["type"] == "md"
    assert done.stdout.decode() in metadata["ferris"]["raw_value"]
    assert metadata["ferris"]["raw_value"].startswith("```")
    assert messages[6]["params"] in (None, {})


def test_the_blogs_minimal_context_works(tmp_path: Path) -> None:
    (tmp_path / "fake_temp").mkdir()
    (tmp_path / "fake_temp" / "context.json").write_text('{"asset_keys": ["ferris"]}')
    done = run(["Say, say, say"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert [
        m["method"] for m in read_messages(tmp_path / "fake_temp" / "messages.json")
    ] == BLOG_METHODS


def test_runs_append_and_same_words_same_data_version(fake_temp: Path) -> None:
    run(["a", "b", "c"], fake_temp)
    run(["a", "b", "c"], fake_temp)
    run(["a", "b", "d"], fake_temp)
    versions = [
        m["params"]["data_version"]
        for m in read_messages(fake_temp / "fake_temp" / "messages.json")
        if m["method"] == "report_asset_materialization"
    ]
    assert versions[0] == versions[1] != versions[2]


def test_two_words_fail_the_warn_check_only(fake_temp: Path) -> None:
    done = run(["two", "words"], fake_temp)
    assert done.returncode == 0
    checks = [
        m["params"]
        for m in read_messages(fake_temp / "fake_temp" / "messages.json")
        if m["method"] == "report_asset_check"
    ]
    assert [(c["passed"], c["severity"]) for c in checks] == [(True, "ERROR"), (False, "WARN")]
    assert checks[1]["metadata"]["number_of_words_spoken_by_ferris"]["raw_value"] == 2


def test_words_are_counted_like_rusts_split_whitespace(fake_temp: Path) -> None:
    run(["\u3000one\u00a0two\tthree\x1cfour  "], fake_temp)
    checks = [
        m["params"]
        for m in read_messages(fake_temp / "fake_temp" / "messages.json")
        if m["method"] == "report_asset_check"
    ]
    # NBSP and U+3000 are White_Space; U+001C is not (Python's str.split would say 4).
    assert checks[1]["metadata"]["number_of_words_spoken_by_ferris"]["raw_value"] == 3


def test_each_absent_variable_falls_back_on_its_own(
    fake_temp: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("dagster") / "messages"
    # context from the variable, messages to fake_temp
    done = run(["x", "y", "z"], fake_temp, context_env({"asset_keys": ["from_env"]}))
    assert done.returncode == 0, done.stderr
    messages = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert messages[3]["params"]["asset_key"] == "from_env"
    # context from fake_temp, messages to the variable's file
    done = run(["x", "y", "z"], fake_temp, messages_env(elsewhere))
    assert done.returncode == 0, done.stderr
    assert read_messages(elsewhere)[3]["params"]["asset_key"] == "ferris"
    assert len(read_messages(fake_temp / "fake_temp" / "messages.json")) == 7


def test_verbose_says_where_things_come_from(fake_temp: Path) -> None:
    done = run(["-v", "hi"], fake_temp, context_env({"asset_keys": ["ferris"]}))
    err = done.stderr.decode()
    assert "DAGSTER_PIPES_CONTEXT" in err and "inline data" in err
    assert "fake_temp/messages.json" in err and "DAGSTER_PIPES_MESSAGES not set" in err
    assert "asset key: ferris" in err


# ---- malformed configuration: never a fallback --------------------------------------------


def _stages(var: str) -> list[ParameterSet]:
    return [
        pytest.param(var, "%%%not base64%%%", "not base64", id=f"{var}-not-base64"),
        pytest.param(var, base64.b64encode(b"plain").decode(), "not zlib", id=f"{var}-not-zlib"),
        pytest.param(
            var,
            base64.b64encode(zlib.compress(b"\xff\xfe")).decode(),
            "not UTF-8",
            id=f"{var}-not-utf8",
        ),
        pytest.param(
            var,
            base64.b64encode(zlib.compress(b"{nope")).decode(),
            "not JSON",
            id=f"{var}-not-json",
        ),
        pytest.param(var, encode(["path", "x"]), "expected an object", id=f"{var}-not-object"),
        pytest.param(
            var, encode({"path": "x", "surprise": 1}), "unknown key", id=f"{var}-unknown-key"
        ),
        pytest.param(var, encode({}), "expected exactly one of", id=f"{var}-no-form"),
        pytest.param(var, "", "empty", id=f"{var}-empty"),
    ]


@pytest.mark.parametrize(
    "var,value,why", _stages("DAGSTER_PIPES_CONTEXT") + _stages("DAGSTER_PIPES_MESSAGES")
)
def test_malformed_variable_is_an_error_never_a_fallback(
    fake_temp: Path, var: str, value: str, why: str
) -> None:
    done = run(["hello"], fake_temp, {var: value})
    assert done.returncode == 1
    err = done.stderr.decode()
    assert var in err and why in err, err
    assert len(err.strip().splitlines()) == 1, err  # one line, no traceback
    assert done.stdout == b""
    assert not (fake_temp / "fake_temp" / "messages.json").exists()


@pytest.mark.parametrize(
    "params,why",
    [
        ({"bucket": "b", "key_prefix": "k"}, "say which store holds it"),  # no --pipes-store
        ({"stdio": "stdlog"}, '"stderr" or "stdout"'),
        ({"path": 7}, "non-empty string"),
        ({"path": "/no/such/dir/messages"}, "does not exist"),
        ({"path": "."}, "is a directory"),
    ],
)
def test_messages_params_we_cannot_serve(
    fake_temp: Path, params: dict[str, object], why: str
) -> None:
    done = run(["hello"], fake_temp, {"DAGSTER_PIPES_MESSAGES": encode(params)})
    assert done.returncode == 1
    assert "DAGSTER_PIPES_MESSAGES" in done.stderr.decode() and why in done.stderr.decode()
    assert not (fake_temp / "fake_temp" / "messages.json").exists()


@pytest.mark.parametrize(
    "params,why",
    [
        ({"path": "/no/such/context.json"}, "does not exist"),
        ({"path": "."}, "is a directory"),
        ({"data": [1]}, "must be a JSON object"),
        ({"bucket": "b", "key": "k"}, "say which store holds it"),
    ],
)
def test_context_params_we_cannot_serve(
    fake_temp: Path, params: dict[str, object], why: str
) -> None:
    done = run(["hello"], fake_temp, {"DAGSTER_PIPES_CONTEXT": encode(params)})
    assert done.returncode == 1
    assert "DAGSTER_PIPES_CONTEXT" in done.stderr.decode() and why in done.stderr.decode()


def test_context_file_not_json(fake_temp: Path) -> None:
    bad = fake_temp / "ctx.json"
    bad.write_text("{not json")
    done = run(["hello"], fake_temp, {"DAGSTER_PIPES_CONTEXT": encode({"path": str(bad)})})
    assert done.returncode == 1
    assert "DAGSTER_PIPES_CONTEXT" in done.stderr.decode() and "is not JSON" in done.stderr.decode()


@pytest.mark.parametrize(
    "content,why",
    [
        ("{oops", "is not JSON"),
        ("[]", "expected an object"),
        ('{"asset_keys": "ferris"}', '"asset_keys" must be a list'),
        ('{"asset_keys": ["ferris"], "extras": []}', '"extras" must be an object'),
    ],
)
def test_invalid_fake_temp_context(tmp_path: Path, content: str, why: str) -> None:
    (tmp_path / "fake_temp").mkdir()
    (tmp_path / "fake_temp" / "context.json").write_text(content)
    done = run(["hello"], tmp_path)
    assert done.returncode == 1
    err = done.stderr.decode()
    assert "fake_temp/context.json" in err and why in err, err


def test_fake_temp_without_context_json(tmp_path: Path) -> None:
    (tmp_path / "fake_temp").mkdir()
    done = run(["hello"], tmp_path)
    assert done.returncode == 1
    assert "fake_temp/context.json" in done.stderr.decode()
    assert "does not exist" in done.stderr.decode()


def test_one_variable_without_fake_temp_is_an_error(tmp_path: Path) -> None:
    done = run(["hello"], tmp_path, context_env({"asset_keys": ["ferris"]}))
    assert done.returncode == 1
    assert "DAGSTER_PIPES_MESSAGES" in done.stderr.decode()


# ---- asset keys ---------------------------------------------------------------------------


def test_several_asset_keys_none_picked_lists_them_and_closes_with_it(fake_temp: Path) -> None:
    done = run(["hi"], fake_temp, context_env({"asset_keys": ["left", "right"]}))
    assert done.returncode == 1
    err = done.stderr.decode()
    assert "left, right" in err and "--asset-key" in err
    messages = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert [m["method"] for m in messages] == ["opened", "closed"]
    assert "left, right" in messages[-1]["params"]["exception"]["message"]


def test_asset_key_not_among_them(fake_temp: Path) -> None:
    done = run(
        ["--asset-key", "middle", "hi"], fake_temp, context_env({"asset_keys": ["left", "right"]})
    )
    assert done.returncode == 1
    assert "middle" in done.stderr.decode() and "left, right" in done.stderr.decode()
    closed = read_messages(fake_temp / "fake_temp" / "messages.json")[-1]
    assert closed["method"] == "closed" and "middle" in closed["params"]["exception"]["message"]


def test_asset_key_picks_one(fake_temp: Path) -> None:
    done = run(
        ["--asset-key", "right", "a b c"], fake_temp, context_env({"asset_keys": ["left", "right"]})
    )
    assert done.returncode == 0, done.stderr
    messages = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert [m["method"] for m in messages] == BLOG_METHODS
    assert {m["params"]["asset_key"] for m in messages[3:6]} == {"right"}


@settings(max_examples=30)
@given(
    key=st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=400).filter(
        lambda key: len(key.encode()) <= ASSET_KEY_MAX_BYTES
    ),
    check=st.sampled_from([CHECK_SAID_SOMETHING, CHECK_THREE_WORDS]),
    entries=st.integers(min_value=0, max_value=16),
    size=st.integers(min_value=0, max_value=4000),
)
@example(key="k" * ASSET_KEY_MAX_BYTES, check=CHECK_THREE_WORDS, entries=12, size=2000)
def test_a_report_fitted_to_a_stdio_line_keeps_its_asset_key_and_check_whole(
    key: str, check: str, entries: int, size: int
) -> None:
    """Whatever else is cut to fit 8 KiB, a report names the asset and check it is about: a cut
    key would report on another asset, or on one Dagster does not know."""
    message = {
        "__dagster_pipes_version": "0.1",
        "method": "report_asset_check",
        "params": {
            "asset_key": key,
            "check_name": check,
            "passed": True,
            "metadata": {f"m{n}": "é" * size for n in range(entries)},  # many long strings
        },
    }
    out = fitted(cast("PipesMessage", message), STDIO_LINE_MAX_BYTES)
    assert line_size(out) <= STDIO_LINE_MAX_BYTES
    params = out["params"]
    assert params is not None and (params["asset_key"], params["check_name"]) == (key, check)


@pytest.mark.parametrize("size", [ASSET_KEY_MAX_BYTES + 1, 1024 * 1024])
def test_a_context_key_longer_than_a_message_holds_is_one_line_that_reaches_dagster(
    fake_temp: Path, size: int
) -> None:
    key = "k" * size
    done = run(["hi"], fake_temp, context_env({"asset_keys": [key]}))
    assert done.returncode == 1
    (line,) = done.stderr.decode().splitlines()
    assert f"asset key is {size} bytes" in line and len(line) < 1024, line[:300]
    closed = read_messages(fake_temp / "fake_temp" / "messages.json")[-1]
    assert (
        closed["method"] == "closed" and "asset key is" in closed["params"]["exception"]["message"]
    )


def test_no_asset_keys_an_op_speaks_and_logs_only(fake_temp: Path) -> None:
    done = run(["a b c"], fake_temp, context_env({"asset_keys": None}))
    assert done.returncode == 0, done.stderr
    messages = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert [m["method"] for m in messages] == ["opened", "log", "log", "closed"]


# ---- extras, partitions, data versions ----------------------------------------------------


@pytest.mark.parametrize(
    "words,said", [("from extras", "from extras"), (["one", "two", "three"], "one two three")]
)
def test_words_from_extras(fake_temp: Path, words: str | list[str], said: str) -> None:
    done = run([], fake_temp, context_env({"asset_keys": ["ferris"], "extras": {"words": words}}))
    assert done.returncode == 0, done.stderr
    assert f"< {said} >".encode() in done.stdout
    materialization = read_messages(fake_temp / "fake_temp" / "messages.json")[5]["params"]
    assert materialization["metadata"]["ferris_said"]["raw_value"] == said


def test_bad_extras_words_is_a_usage_error_reported_to_dagster(fake_temp: Path) -> None:
    done = run([], fake_temp, context_env({"asset_keys": ["ferris"], "extras": {"words": 42}}))
    assert done.returncode == 2
    assert "words" in done.stderr.decode()
    closed = read_messages(fake_temp / "fake_temp" / "messages.json")[-1]
    assert closed["method"] == "closed" and "words" in closed["params"]["exception"]["message"]


def test_partition_key_in_metadata_and_data_version(fake_temp: Path) -> None:
    for key in ("2024-01-01", "2024-01-02"):
        data = {
            "asset_keys": ["ferris"],
            "partition_key": key,
            "partition_key_range": {"start": key, "end": key},
        }
        assert run(["a b c"], fake_temp, context_env(data)).returncode == 0
    run(["a b c"], fake_temp)
    materializations = [
        m["params"]
        for m in read_messages(fake_temp / "fake_temp" / "messages.json")
        if m["method"] == "report_asset_materialization"
    ]
    assert [m["metadata"].get("partition_key", {}).get("raw_value") for m in materializations] == [
        "2024-01-01",
        "2024-01-02",
        None,
    ]
    versions = [m["data_version"] for m in materializations]
    assert len(set(versions)) == 3
    assert versions[2] == sha256("a b c")


def test_huge_words_metadata_capped_data_version_covers_all(fake_temp: Path) -> None:
    words = ("ferris " * 40_000).strip()  # 280 KB
    done = run(["-"], fake_temp, input=words.encode())
    assert done.returncode == 0, done.stderr
    lines = (fake_temp / "fake_temp" / "messages.json").read_text().splitlines()
    materialization = json.loads(lines[5])["params"]
    said = materialization["metadata"]["ferris_said"]["raw_value"]
    assert said.startswith(words[:1000])
    assert "truncated" in said and str(len(words.encode())) in said
    assert len(said.encode()) < METADATA_CAP_BYTES + 300
    bubble = materialization["metadata"]["ferris"]["raw_value"]
    assert len(bubble.encode()) < METADATA_CAP_BYTES + 300 and "truncated" in bubble
    assert materialization["data_version"] == sha256(words)


def test_markdown_fence_outgrows_backticks_in_the_words(fake_temp: Path) -> None:
    run(["``` `````"], fake_temp)
    bubble_md = read_messages(fake_temp / "fake_temp" / "messages.json")[5]["params"]["metadata"][
        "ferris"
    ]["raw_value"]
    assert bubble_md.startswith("``````text\n") and bubble_md.endswith("\n``````\n")


# ---- failures inside the session ----------------------------------------------------------


def test_a_failure_inside_the_session_is_closed_with_its_reason(fake_temp: Path) -> None:
    done = run(["--character", "no-such-mascot", "hi"], fake_temp)
    assert done.returncode != 0
    messages = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert messages[0]["method"] == "opened" and messages[-1]["method"] == "closed"
    exception = messages[-1]["params"]["exception"]
    assert "no-such-mascot" in exception["message"]
    assert exception["name"] and exception["stack"]


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_during_the_session_closes_with_the_reason(
    fake_temp: Path, signum: int, code: int
) -> None:
    messages = fake_temp / "fake_temp" / "messages.json"
    # No words and an open, silent stdin: the command waits on stdin inside the session.
    process = subprocess.Popen(
        [FERRIS],
        cwd=fake_temp,
        env=CLEAN_ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if messages.exists() and messages.read_text().count("\n") >= 1:
            break
        time.sleep(0.05)
    time.sleep(0.2)
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    process.stdin.close() if process.stdin else None
    assert process.returncode == code, err
    last = read_messages(messages)[-1]
    assert last["method"] == "closed"
    assert signal.Signals(signum).name in last["params"]["exception"]["message"]
    assert out == b""


# ---- messages on stdio --------------------------------------------------------------------


@pytest.mark.parametrize("form", ["stdio", "buffered_stdio"])
def test_messages_on_stderr_leave_stdout_to_the_bubble(tmp_path: Path, form: str) -> None:
    plain = run(["Say, say, say"], tmp_path).stdout
    done = run(
        ["Say, say, say"],
        tmp_path,
        {
            **context_env({"asset_keys": ["ferris"]}),
            "DAGSTER_PIPES_MESSAGES": encode({form: "stderr"}),
        },
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == plain
    lines = done.stderr.decode().splitlines()
    messages = [json.loads(line) for line in lines if line.startswith("{")]
    assert [m["method"] for m in messages] == BLOG_METHODS
    assert len(messages) == len(lines)  # nothing else on stderr


# A container log entry: podman cuts longer lines (Docker at 16 KiB), and Dagster's log readers
# parse each entry alone, so a longer message line would be lost.
LOG_ENTRY_BYTES = 8 * 1024


@pytest.mark.parametrize(
    "words",
    [
        " ".join(f"word{i:05d}" for i in range(2000)),  # 20 KB of ASCII
        "パイプで渡した言葉" * 1000,  # \uXXXX: 6 bytes of JSON a character
        "🦀 " * 3000,  # a surrogate pair: 12 bytes of JSON
        '\x01\t"\\' * 3000,  # escapes of 2 and 6 bytes
    ],
    ids=["ascii", "japanese", "emoji", "escapes"],
)
def test_on_stdio_every_message_line_fits_one_container_log_entry(
    tmp_path: Path, words: str
) -> None:
    done = run(
        ["--width", "30", words],
        tmp_path,
        {
            **context_env({"asset_keys": ["ferris"]}),
            "DAGSTER_PIPES_MESSAGES": encode({"stdio": "stderr"}),
        },
    )
    assert done.returncode == 0, done.stderr[-500:]
    lines = done.stderr.splitlines()
    assert max(len(line) + 1 for line in lines) <= LOG_ENTRY_BYTES
    messages = [json.loads(line) for line in lines]
    assert [m["method"] for m in messages] == BLOG_METHODS
    materialization = messages[5]["params"]
    assert materialization["data_version"] == sha256(words)
    metadata = materialization["metadata"]
    said = metadata["ferris_said"]["raw_value"]
    assert said.startswith(words[:100]) and "[truncated: the first " in said
    assert f"of {len(words.encode())} bytes are shown" in said
    bubble = metadata["ferris"]["raw_value"]
    assert bubble.startswith("```text\n _") and "*Bubble truncated" in bubble
    assert done.stdout.decode().startswith(bubble.split("\n", 1)[1].split("\n```")[0])


def test_on_stdio_short_words_are_not_cut(tmp_path: Path) -> None:
    done = run(
        ["Say, say, say"],
        tmp_path,
        {
            **context_env({"asset_keys": ["ferris"]}),
            "DAGSTER_PIPES_MESSAGES": encode({"stdio": "stderr"}),
        },
    )
    metadata = json.loads(done.stderr.splitlines()[5])["params"]["metadata"]
    assert metadata["ferris_said"]["raw_value"] == "Say, say, say"
    assert metadata["ferris"]["raw_value"] == "```text\n" + done.stdout.decode() + "```\n"


# ---- concurrency: many writers, one file --------------------------------------------------


@pytest.mark.slow  # sixteen runs, four of them of 150,000 words; the channel's own test stays
def test_sixteen_concurrent_runs_share_one_messages_file(tmp_path: Path) -> None:
    shared = tmp_path / "messages.jsonl"
    env = {**context_env({"asset_keys": ["ferris"]}), **messages_env(shared)}
    processes = []
    for i in range(16):
        words = (f"run{i} " * (150_000 if i % 4 == 0 else 3)).strip()
        process = subprocess.Popen(
            [FERRIS, "-"],
            cwd=tmp_path,
            env={**CLEAN_ENV, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append((process, words))
    for process, words in processes:
        assert process.stdin is not None and process.stderr is not None
        process.stdin.write(words.encode())
        process.stdin.close()
    for process, _ in processes:
        assert process.stderr is not None
        assert process.wait(timeout=120) == 0, process.stderr.read()
        process.stderr.close()
    messages = read_messages(shared)  # every line whole JSON
    assert len(messages) == 16 * len(BLOG_METHODS)
    said = sorted(
        m["params"]["data_version"]
        for m in messages
        if m["method"] == "report_asset_materialization"
    )
    assert said == sorted(sha256(words) for _, words in processes)


def test_one_megabyte_lines_from_sixteen_processes_never_interleave(tmp_path: Path) -> None:
    """The file channel itself: each line is one os.write on an O_APPEND descriptor."""
    shared = tmp_path / "messages.jsonl"
    writer = (
        "import os, sys\n"
        "from ferris_says.pipes.channel import FerrisMessageWriter\n"
        "with FerrisMessageWriter({}).open({'path': sys.argv[1]}) as channel:\n"
        "    for n in range(4):\n"
        "        line = {'pid': os.getpid(), 'n': n, 'x': sys.argv[2] * 1_000_000}\n"
        "        channel.write_message(line)\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", writer, str(shared), "abcdefghijklmnop"[i]], env=CLEAN_ENV
        )
        for i in range(16)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0] * 16
    lines = shared.read_bytes().split(b"\n")
    assert lines[-1] == b""
    messages = [json.loads(line) for line in lines[:-1]]
    assert len(messages) == 64
    assert all(len(m["x"]) == 1_000_000 and len(set(m["x"])) == 1 for m in messages)
    assert {(m["pid"], m["n"]) for m in messages} == {
        (p.pid, n) for p in processes for n in range(4)
    }


# ---- the helpers behind the caps: same answers as the whole-text versions --------------------


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=64))
def test_cap_and_hash_in_chunks_equal_the_whole_text(
    monkeypatch_chunk: None, text: str, limit: int
) -> None:
    encoded = text.encode("utf-8", "surrogatepass")
    assert utf8_length(text) == len(encoded)
    shown, total, cut = metadata.cap(text, limit)
    if len(encoded) <= limit:
        assert shown == text and not cut
    else:
        assert cut and total == len(encoded)
        assert shown == encoded[:limit].decode("utf-8", "ignore")
    assert metadata.data_version(text, None) == hashlib.sha256(encoded).hexdigest()


@pytest.fixture(scope="module")
def monkeypatch_chunk() -> Iterator[None]:
    """Tiny chunks, so that a few hundred characters cross many chunk boundaries."""
    saved = metadata.CHUNK
    metadata.CHUNK = 7
    yield
    metadata.CHUNK = saved


# ---- extras --------------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["a\ud800b", ["ok", "\udfff"]], ids=["string", "list"])
def test_extras_words_with_a_lone_surrogate_are_a_usage_error(cwd: Path, words: object) -> None:
    messages = cwd / "messages.jsonl"
    # json.dumps writes the lone surrogate as the escape "\ud800", as any JSON producer may.
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": words}})
    done = run([], cwd, env)
    assert done.returncode == 2
    assert done.stdout == b""
    line = one_error_line(done.stderr, 'extras "words"', "lone surrogate")
    assert "U+D800" in line or "U+DFFF" in line
    assert "lone surrogate" in closed_reason(read_messages(messages))


@pytest.mark.parametrize("words", [42, 1.5, True, {"a": 1}, [1, 2], ["a", None], [["a"]]], ids=repr)
def test_extras_words_of_the_wrong_type_are_a_usage_error(cwd: Path, words: object) -> None:
    messages = cwd / "messages.jsonl"
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": words}})
    done = run([], cwd, env)
    assert done.returncode == 2 and done.stdout == b""
    one_error_line(done.stderr, 'extras "words" must be a string or a list of strings')
    assert "words" in closed_reason(read_messages(messages))


def test_words_given_win_over_the_extras(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": "from extras"}})
    done = run(["-v", "from", "arguments"], cwd, env)
    assert done.returncode == 0
    assert done.stdout == say("from arguments").encode()
    assert b"extras" in done.stderr and b"not used" in done.stderr
    said = read_messages(messages)[5]["params"]["metadata"]["ferris_said"]["raw_value"]
    assert said == "from arguments"


def test_bad_extras_words_are_ignored_when_words_are_given(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": 42}})
    done = run(["a", "b", "c"], cwd, env)
    assert done.returncode == 0, done.stderr


# ---- Dagster with nothing to say and a silent, open stdin: never a hang ----------------------


@pytest.mark.parametrize("which", ["both", "context-only", "messages-only"])
def test_dagster_with_no_words_and_a_silent_open_stdin_is_a_usage_error(
    fake_temp: Path, which: str
) -> None:
    messages = fake_temp / "messages.jsonl"
    env = dagster_env(messages)
    if which == "context-only":  # messages fall back to fake_temp/
        del env["DAGSTER_PIPES_MESSAGES"]
        messages = fake_temp / "fake_temp" / "messages.json"
    elif which == "messages-only":  # context falls back to fake_temp/
        del env["DAGSTER_PIPES_CONTEXT"]
    read_end, write_end = os.pipe()  # nobody ever writes, nobody closes: a read would hang
    try:
        done = run([], fake_temp, env, stdin=read_end, timeout=30)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert done.returncode == 2 and done.stdout == b""
    one_error_line(done.stderr, "nothing to say", "Dagster")
    assert "nothing to say" in closed_reason(read_messages(messages))


# ---- context fields of the wrong type, --asset-key for an op: after `opened`, so in `closed` --


@pytest.mark.parametrize(
    "data,why",
    [
        ({"asset_keys": ["ferris"], "run_id": 7}, '"run_id" must be a string'),
        ({"asset_keys": ["ferris"], "job_name": ["j"]}, '"job_name" must be a string'),
        ({"asset_keys": ["ferris", ""]}, '"asset_keys" must be a list of asset key strings'),
        (
            {"asset_keys": ["ferris"], "partition_key_range": {"start": "a"}},
            '"partition_key_range" must be',
        ),
        (
            {
                "asset_keys": ["ferris"],
                "partition_key": 3,
                "partition_key_range": {"start": "a", "end": "a"},
            },
            '"partition_key" must be a string',
        ),
        ({"asset_keys": ["ferris"], "extras": "words"}, '"extras" must be an object'),
    ],
    ids=["run_id", "job_name", "empty-key", "range", "partition_key", "extras"],
)
def test_context_fields_of_the_wrong_type(cwd: Path, data: dict[str, Any], why: str) -> None:
    messages = cwd / "messages.jsonl"
    done = run(["hi"], cwd, dagster_env(messages, data))
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "DAGSTER_PIPES_CONTEXT", why)
    assert why in closed_reason(read_messages(messages))


def test_asset_key_for_an_op_is_an_error_reported_to_dagster(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    done = run(["--asset-key", "ferris", "hi"], cwd, dagster_env(messages, {"asset_keys": None}))
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "--asset-key 'ferris'", "targets no assets")
    assert "targets no assets" in closed_reason(read_messages(messages))

"""The files a Pipes session touches (`ferris_says.pipes.sources` and the params that name them):
whatever the context, the params and the files around them are, every run keeps the promises:
one bounded, escaped error line naming what was wrong, exit 1 (or 2), nothing on stdout, never
`unexpected`, never a hang, and a messages file of whole JSON lines with `closed` last, that is
never stdout, stderr or the context.

Each test generates the neighbours of one class with hypothesis, through the installed command.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_runs import process_runs
from support.run_command import (
    CLOSED_MAX_BYTES,
    encode,
    error_line,
    fails,
    messages_env,
    one_error_line,
    read_messages,
    run,
    whole_messages,
)
from support.slow import sample

from ferris_says.pipes.sources import CONTEXT_MAX_BYTES

RUNS = process_runs(25)


# ---- 1. a context that never ends: only a regular file of bounded size is read --------------

KINDS = ["fifo", "zero", "null", "urandom", "tty", "directory", "dangling", "socket"]


def make_source(kind: str, path: Path) -> str:
    """Makes ``path`` a file of this kind (directly, or as a symbolic link); the expected words."""
    if kind == "fifo":
        os.mkfifo(path)
        return "is a FIFO"
    if kind in ("zero", "null", "urandom", "tty"):
        path.symlink_to(f"/dev/{kind}")
        return "is a character device"
    if kind == "directory":
        path.mkdir()
        return "is a directory"
    if kind == "dangling":
        path.symlink_to(path.parent / "nowhere")
        return "dangling symbolic link"
    if kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))  # stays bound until the process ends: fine for a test
        make_source.keep.append(server)  # type: ignore[attr-defined]
        return "is a socket"
    raise AssertionError(kind)


make_source.keep = []  # type: ignore[attr-defined]


@RUNS
@given(kind=st.sampled_from(KINDS), via=st.sampled_from(["fake_temp", "path"]), link=st.booleans())
def test_a_context_that_is_not_a_regular_file_is_refused_at_once(
    tmp_path_factory: pytest.TempPathFactory, kind: str, via: str, link: bool
) -> None:
    cwd = tmp_path_factory.mktemp("ctx")
    if via == "fake_temp":
        (cwd / "fake_temp").mkdir()
        target = cwd / "fake_temp" / "context.json"
        env: dict[str, str] = {}
        messages = cwd / "fake_temp" / "messages.json"
    else:
        target = cwd / "context.json"
        env, messages = messages_env(cwd, {"path": str(target)})
    made = target
    if link and kind not in ("dangling",):
        made = cwd / "real_source"
        target.symlink_to(made)
    says = make_source(kind, made)
    done = run(["hi"], cwd, env, timeout=30)  # a FIFO would block, /dev/zero never end
    fails(done, 1, "context.json", says)
    assert whole_messages(messages) == []


def test_a_context_larger_than_the_cap_is_refused_before_reading(cwd: Path) -> None:
    (cwd / "fake_temp").mkdir()
    context = cwd / "fake_temp" / "context.json"
    with open(context, "wb") as handle:  # sparse: the size is there, the bytes are not
        handle.truncate(CONTEXT_MAX_BYTES + 1)
    fails(run(["hi"], cwd, timeout=30), 1, "context.json", "is too large", "at most 64 MiB")


def test_a_context_of_exactly_the_cap_is_read(cwd: Path) -> None:
    (cwd / "fake_temp").mkdir()
    body = b'{"asset_keys": ["ferris"]}'
    (cwd / "fake_temp" / "context.json").write_bytes(body + b" " * (CONTEXT_MAX_BYTES - len(body)))
    done = run(["hi"], cwd, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [m["method"] for m in whole_messages(cwd / "fake_temp" / "messages.json")][
        -1
    ] == "closed"


# Around the cap, and the most a variable (128 KiB, Linux's MAX_ARG_STRLEN) can inflate to.
# `make test` tries the two around the cap; the 90 MB one is slow (`make test-slow`).
@pytest.mark.parametrize(
    "size",
    sample(
        [CONTEXT_MAX_BYTES - 64, CONTEXT_MAX_BYTES, 90 * 1024 * 1024],
        lambda size: size <= CONTEXT_MAX_BYTES,
    ),
)
def test_inline_data_that_decompresses_beyond_the_cap_is_refused(
    tmp_path_factory: pytest.TempPathFactory, size: int
) -> None:
    import base64
    import zlib

    cwd = tmp_path_factory.mktemp("bomb")
    text = b'{"data": {"extras": {"pad": "' + b"x" * (size - 33) + b'"}}}'
    env = {"DAGSTER_PIPES_CONTEXT": base64.b64encode(zlib.compress(text, 9)).decode()}
    env["DAGSTER_PIPES_MESSAGES"] = encode({"path": str(cwd / "m.jsonl")})
    done = run(["hi"], cwd, env, timeout=60)
    if len(text) <= CONTEXT_MAX_BYTES:
        assert done.returncode == 0, done.stderr
    else:
        fails(done, 1, "DAGSTER_PIPES_CONTEXT", "is too large", "at most 64 MiB")


# ---- 2 and 10. quoted input is bounded and escaped, on stderr and in `closed` ----------------

nasty_key = st.lists(
    st.sampled_from(["a", "é", "\x1b", "]0;", "\x07", "\x00", "\x9b", "\u202e", "\n", " ", ","]),
    min_size=1,
    max_size=40,
).map("".join)


@RUNS
@given(
    keys=st.lists(nasty_key, min_size=2, max_size=50, unique=True),
    many=st.sampled_from([0, 4, 50, 20_000]),
    picked=st.one_of(st.none(), nasty_key, st.text(min_size=300, max_size=3000)),
    inline=st.booleans(),
)
def test_asset_key_errors_are_bounded_and_escaped(
    tmp_path_factory: pytest.TempPathFactory,
    keys: list[str],
    many: int,
    picked: str | None,
    inline: bool,
) -> None:
    cwd = tmp_path_factory.mktemp("keys")
    keys = keys + [f"k{i}" for i in range(many)]
    if picked in keys:
        picked = None if len(keys) > 1 else picked
    data = {"asset_keys": keys}
    if inline and many <= 50:  # a variable holds at most 128 KiB
        env, messages = messages_env(cwd, {"data": data})
    else:
        (cwd / "context.json").write_text(json.dumps(data))
        env, messages = messages_env(cwd, {"path": str(cwd / "context.json")})
    args = ["hi"] if picked is None else ["--asset-key", picked, "--", "hi"]
    if picked is not None and "\0" in picked:
        return  # an argv string holds no NUL
    line = fails(run(args, cwd, env, timeout=60), 1, f"{len(keys)}" if picked is None else "")
    assert ("in all)" in line) == (len(keys) > 5)
    closed = whole_messages(messages)[-1]["params"]["exception"]
    assert len(json.dumps(closed)) <= CLOSED_MAX_BYTES


def test_ten_million_asset_keys_give_a_short_line_and_a_short_closed(cwd: Path) -> None:
    keys = ",".join(f'"k{i}"' for i in range(3_000_000))
    (cwd / "context.json").write_text(f'{{"asset_keys": [{keys}]}}')
    env, messages = messages_env(cwd, {"path": str(cwd / "context.json")})
    for args in (["hi"], ["--asset-key", "nope", "hi"]):
        fails(run(args, cwd, env, timeout=120), 1, "k0", "3000000 in all")
    assert len(messages.read_bytes().splitlines()[-1]) <= CLOSED_MAX_BYTES


# ---- 3 and 11. the messages file is never stdout, stderr or the context ----------------------


@RUNS
@given(
    via=st.sampled_from(["fake_temp", "path"]),
    how=st.sampled_from([">", ">>", "symlink /dev/stdout", "symlink", "hardlink"]),
)
def test_stdout_as_the_messages_file_is_refused_before_anything_is_written(
    tmp_path_factory: pytest.TempPathFactory, via: str, how: str
) -> None:
    cwd = tmp_path_factory.mktemp("out")
    (cwd / "fake_temp").mkdir()
    (cwd / "fake_temp" / "context.json").write_text('{"asset_keys": ["ferris"]}')
    messages = cwd / "fake_temp" / "messages.json"
    env = {} if via == "fake_temp" else {"DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)})}
    before = b'{"method": "opened", "params": {}, "__dagster_pipes_version": "0.1"}\n'
    out = messages
    if how == "symlink /dev/stdout":
        out = cwd / "out.txt"
        messages.symlink_to("/dev/stdout")
    elif how in ("symlink", "hardlink"):
        out = cwd / "out.txt"
        out.write_bytes(before)
        if how == "symlink":
            messages.symlink_to(out)
        else:
            os.link(out, messages)  # Path.hardlink_to is Python 3.10+
    else:
        messages.write_bytes(before)
    mode = "ab" if how != ">" else "wb"
    with open(out, mode) as stdout:
        done = run(["hi"], cwd, env, timeout=30, stdout=stdout)
    assert done.returncode == 1
    error_line(done.stderr, "messages", "stdout")
    expected = b"" if how in (">", "symlink /dev/stdout") else before
    assert out.read_bytes() == expected


def test_stdout_as_the_context_file_is_refused_and_the_context_kept(cwd: Path) -> None:
    (cwd / "fake_temp").mkdir()
    context = cwd / "fake_temp" / "context.json"
    context.write_text('{"asset_keys": ["ferris"]}')
    with open(context, "ab") as stdout:
        done = run(["hi"], cwd, timeout=30, stdout=stdout)
    assert done.returncode == 1
    error_line(done.stderr, "context", "stdout")
    assert json.loads(context.read_text()) == {"asset_keys": ["ferris"]}


def test_stderr_as_the_messages_file_is_refused_without_a_word(cwd: Path) -> None:
    (cwd / "fake_temp").mkdir()
    (cwd / "fake_temp" / "context.json").write_text('{"asset_keys": ["ferris"]}')
    messages = cwd / "fake_temp" / "messages.json"
    messages.write_bytes(b"")
    with open(messages, "ab") as stderr:
        done = run(["-v", "hi"], cwd, timeout=30, stderr=stderr)
    assert (done.returncode, done.stdout) == (1, b"")
    assert messages.read_bytes() == b""  # no line that is not JSON


@RUNS
@given(
    how=st.sampled_from(["same", "symlink", "hardlink", "dot", "absolute"]),
    context_via=st.sampled_from(["fake_temp", "path"]),
)
def test_the_messages_file_equal_to_the_context_is_refused(
    tmp_path_factory: pytest.TempPathFactory, how: str, context_via: str
) -> None:
    cwd = tmp_path_factory.mktemp("same")
    (cwd / "fake_temp").mkdir()
    context = cwd / "fake_temp" / "context.json"
    text = '{"asset_keys": ["ferris"]}'
    context.write_text(text)
    messages = {
        "same": "fake_temp/context.json",
        "dot": "fake_temp/./context.json",
        "absolute": str(context),
        "symlink": str(cwd / "link.json"),
        "hardlink": str(cwd / "hard.json"),
    }[how]
    if how == "symlink":
        (cwd / "link.json").symlink_to(context)
    if how == "hardlink":
        os.link(context, cwd / "hard.json")
    env = {"DAGSTER_PIPES_MESSAGES": encode({"path": messages})}
    if context_via == "path":
        env["DAGSTER_PIPES_CONTEXT"] = encode({"path": str(context)})
    done = run(["hi"], cwd, env, timeout=30)
    fails(done, 1, "is the context file")
    assert context.read_text() == text


# ---- 6. every stage's error names its stage, never `unexpected` -------------------------------

bad_path = st.builds(
    lambda head, bad, tail: head + bad + tail,
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"), max_size=10),
    st.one_of(
        st.just("\0"), st.integers(0xD800, 0xDC7F).map(chr), st.integers(0xDD00, 0xDFFF).map(chr)
    ),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"), max_size=10),
)


@RUNS
@given(path=bad_path, var=st.sampled_from(["DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES"]))
def test_a_path_no_file_can_have_is_a_one_line_error_of_its_variable(
    tmp_path_factory: pytest.TempPathFactory, path: str, var: str
) -> None:
    cwd = tmp_path_factory.mktemp("nul")
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(cwd / "m.jsonl")}),
    }
    env[var] = encode({"path": path})
    fails(run(["hi"], cwd, env, timeout=30), 1, var)
    assert not (cwd / "m.jsonl").exists() or whole_messages(cwd / "m.jsonl") == []


def test_a_non_utf8_file_name_from_json_is_a_file_name(cwd: Path) -> None:
    """json.dumps writes a non-UTF-8 name's bytes as surrogate escapes: they name the file."""
    name = os.fsdecode(b"m\xe9.jsonl")
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(cwd) + "/" + name}),
    }
    done = run(["hi"], cwd, env, timeout=30)
    assert done.returncode == 0, done.stderr
    assert whole_messages(Path(os.fsdecode(os.fsencode(cwd) + b"/m\xe9.jsonl")))


@RUNS
@given(
    depth=st.integers(500, 300_000),
    digits=st.integers(4301, 100_000),
    what=st.sampled_from(["deep", "digits"]),
    inline=st.booleans(),
    where=st.sampled_from(["extras", "asset_keys", "top"]),
)
def test_json_python_cannot_read_is_its_stages_error(
    tmp_path_factory: pytest.TempPathFactory,
    depth: int,
    digits: int,
    what: str,
    inline: bool,
    where: str,
) -> None:
    cwd = tmp_path_factory.mktemp("deep")
    value = "[" * depth + "]" * depth if what == "deep" else "1" * digits
    text = {
        "extras": f'{{"asset_keys": ["ferris"], "extras": {{"x": {value}}}}}',
        "asset_keys": f'{{"asset_keys": {value}}}',
        "top": value,
    }[where]
    if inline:
        import base64
        import zlib

        env = {
            "DAGSTER_PIPES_CONTEXT": base64.b64encode(
                zlib.compress(b'{"data": ' + text.encode() + b"}")
            ).decode(),
            "DAGSTER_PIPES_MESSAGES": encode({"path": str(cwd / "m.jsonl")}),
        }
    else:
        (cwd / "c.json").write_text(text)
        env, _ = messages_env(cwd, {"path": str(cwd / "c.json")})
    done = run(["hi"], cwd, env, timeout=60)
    if done.returncode == 0:
        # How deep Python's json reads depends on the version (3.11 stops before 1000, 3.13 and
        # 3.14 read 1000 deep, 3.14 bounds it by the stack): read whole, or the stage's line.
        assert what == "deep"
        return
    fails(done, 1, "DAGSTER_PIPES_CONTEXT")
    whole_messages(cwd / "m.jsonl" if inline else cwd / "messages.jsonl")


def json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    json_containers,
    max_leaves=8,
)
CONTEXT_FIELDS = [
    "asset_keys",
    "extras",
    "run_id",
    "job_name",
    "partition_key",
    "partition_key_range",
    "partition_time_window",
    "code_version_by_asset_key",
    "provenance_by_asset_key",
    "retry_number",
]


@RUNS
@given(
    context=st.dictionaries(st.sampled_from(CONTEXT_FIELDS), json_values, max_size=4),
    messages_extra=st.dictionaries(
        st.sampled_from(["log_writer", "stdio", "path"]), json_values, max_size=2
    ),
)
def test_context_and_params_of_any_shape_never_end_as_unexpected(
    tmp_path_factory: pytest.TempPathFactory,
    context: dict[str, Any],
    messages_extra: dict[str, Any],
) -> None:
    cwd = tmp_path_factory.mktemp("shape")
    messages = cwd / "m.jsonl"
    params = {"path": str(messages), **messages_extra}
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": context}),
        "DAGSTER_PIPES_MESSAGES": encode(params),
    }
    done = run(["one two three"], cwd, env, timeout=30)
    if done.returncode != 0:
        fails(done, done.returncode)
        assert done.returncode in (1, 2)
    if params.get("path") == str(messages):
        whole_messages(messages)


# ---- 9. include_stdio_in_messages ------------------------------------------------------------


@pytest.mark.parametrize("form", [{"path": "m.jsonl"}, {"stdio": "stderr"}, {"stdio": "stdout"}])
@pytest.mark.parametrize("value", [True, 1, "yes"])
def test_include_stdio_in_messages_is_refused_in_one_line(
    cwd: Path, form: dict[str, Any], value: str
) -> None:
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({**form, "include_stdio_in_messages": value}),
    }
    fails(run(["hi"], cwd, env, timeout=10), 1, "include_stdio_in_messages")
    assert not (cwd / "m.jsonl").exists()


def test_include_stdio_in_messages_false_is_the_plain_form(cwd: Path) -> None:
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": "m.jsonl", "include_stdio_in_messages": False}),
    }
    assert run(["hi"], cwd, env, timeout=10).returncode == 0
    assert whole_messages(cwd / "m.jsonl")[-1]["method"] == "closed"


# ---- the messages side: every kind of file -----------------------------------------------------

MESSAGE_KINDS = {
    "unread fifo": "a FIFO that nobody reads",
    "/dev/tty": "No such device or address",  # no controlling terminal (a new session)
    "/dev/full": "No space left on device",
    # Root opens it and fails at the write; anyone else is refused at the open.
    "/proc/version": (
        "cannot write to messages file"
        if os.access("/proc/version", os.W_OK)
        else "cannot be opened (Permission denied)"
    ),
    "directory": "is a directory",
    "missing directory": "does not exist",
    "dangling": None,  # created through the link: works
    "/dev/null": None,
}


@RUNS
@given(kind=st.sampled_from(sorted(MESSAGE_KINDS)), link=st.booleans())
def test_a_messages_path_of_any_kind_is_one_line_or_works(
    tmp_path_factory: pytest.TempPathFactory, kind: str, link: bool
) -> None:
    cwd = tmp_path_factory.mktemp("mkind")
    target = cwd / "target"
    if kind == "unread fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    elif kind == "missing directory":
        target = cwd / "nowhere" / "m.jsonl"
    elif kind == "dangling":
        target = cwd / "made.jsonl"
    else:
        target = Path(kind)
    path = target
    if link and kind != "missing directory":
        path = cwd / "link"
        path.symlink_to(target)
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(path)}),
    }
    done = run(["hi"], cwd, env, timeout=30, start_new_session=True)
    says = MESSAGE_KINDS[kind]
    if says is None:
        assert done.returncode == 0, done.stderr
        if kind == "dangling":
            assert whole_messages(target)[-1]["method"] == "closed"
        return
    assert done.returncode == 1
    error_line(done.stderr, "DAGSTER_PIPES_MESSAGES", says)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_context_fifo_nobody_writes_is_refused_at_once(cwd: Path) -> None:
    """Opening a context FIFO nobody writes would block: it is refused at once instead (not a
    regular file), with no `opened` (nothing had been sent). The first test of this module
    covers every kind of file."""
    os.mkfifo(cwd / "context.fifo")
    messages = cwd / "messages.jsonl"
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"path": str(cwd / "context.fifo")}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)}),
    }
    done = run(["hi"], cwd, env, timeout=30)
    assert (done.returncode, done.stdout) == (1, b"")
    one_error_line(done.stderr, "context.fifo", "is a FIFO, not a regular file")
    assert not messages.exists() or read_messages(messages) == []

"""Whatever the locale (C, POSIX, C.UTF-8, an ISO-8859-1 one built with localedef), UTF-8 mode
(PYTHONUTF8=0/1) or PYTHONIOENCODING: an argument's bytes are UTF-8 or a usage error, as the
Rust binary reads them; stdout is UTF-8; a --files path names the file its bytes name; an
error is still one line on stderr."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_runs import process_runs
from support.run_command import CLEAN_ENV, FERRIS, bytes_env, encode, read_messages
from support.slow import sample
from support.system_tools import needs

from ferris_says import say

# The ISO-8859-1 locale is built from Debian's locale sources.
pytestmark = needs("locales")

RUNS = process_runs(40)


@pytest.fixture(scope="module")
def locpath(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding `latin1`, en_US in ISO-8859-1 (LOCPATH=DIR LC_ALL=latin1)."""
    directory = tmp_path_factory.mktemp("locales")
    subprocess.run(
        ["localedef", "-i", "en_US", "-f", "ISO-8859-1", str(directory / "latin1")],
        check=True,
        capture_output=True,
    )
    return Path(directory)


LOCALES = ["C", "POSIX", "C.UTF-8", "latin1"]
#: The sweeps over every locale run one process per case: `make test` tries the ISO-8859-1 one
#: (the locale that decodes bytes most unlike UTF-8), `make test-slow` the others.
QUICK_LOCALE = "latin1"
SWEPT_LOCALES = sample(LOCALES, lambda locale: locale == QUICK_LOCALE)
UTF8_MODES = [None, "0", "1"]
IO_ENCODINGS = [None, "ascii", "latin-1", "utf-8", "ascii:strict", "latin-1:strict"]


def environment(locpath: Path, locale: str, utf8: str | None, io: str | None) -> dict[str, str]:
    env = {k: v for k, v in CLEAN_ENV.items() if not k.startswith("LC_") and k != "LANG"}
    env.pop("PYTHONUTF8", None)
    env["LC_ALL"] = locale
    if locale == "latin1":
        env["LOCPATH"] = str(locpath)
    if utf8 is not None:
        env["PYTHONUTF8"] = utf8
    if io is not None:
        env["PYTHONIOENCODING"] = io
    return env


def run_bytes(
    args: list[bytes], cwd: Path, env: Mapping[str, str] | Mapping[bytes, bytes], stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [os.fsencode(FERRIS), *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=60,
    )


def one_line(stderr: bytes) -> None:
    assert stderr.count(b"\n") == 1 and stderr.startswith(b"ferris-says: error: "), stderr
    assert b"Traceback" not in stderr and b"unexpected" not in stderr


settings_strategy = dict(
    locale=st.sampled_from(LOCALES),
    utf8=st.sampled_from(UTF8_MODES),
    io=st.sampled_from(IO_ENCODINGS),
)
words_strategy = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\0"), min_size=1, max_size=12
).filter(lambda w: not w.startswith("-"))


@RUNS
@given(words=st.lists(words_strategy, min_size=1, max_size=3), **settings_strategy)
def test_utf8_arguments_are_said_as_utf8_in_every_locale(
    locpath: Path,
    tmp_path_factory: pytest.TempPathFactory,
    words: list[str],
    locale: str,
    utf8: str | None,
    io: str | None,
) -> None:
    cwd = tmp_path_factory.mktemp("loc")
    done = run_bytes([w.encode() for w in words], cwd, environment(locpath, locale, utf8, io))
    assert done.returncode == 0, done.stderr
    assert done.stdout == say(" ".join(words)).encode("utf-8")


@RUNS
@given(
    head=st.binary(max_size=6).filter(lambda b: b"\0" not in b and not b.startswith(b"-")),
    bad=st.sampled_from([b"\xe9", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80abc"]),
    option=st.booleans(),
    **settings_strategy,
)
def test_arguments_not_utf8_are_a_usage_error_in_every_locale(
    locpath: Path,
    tmp_path_factory: pytest.TempPathFactory,
    head: bytes,
    bad: bytes,
    option: bool,
    locale: str,
    utf8: str | None,
    io: str | None,
) -> None:
    cwd = tmp_path_factory.mktemp("bad")
    args = [b"--width", b"9", head + bad] if option else [head + bad]
    done = run_bytes(args, cwd, environment(locpath, locale, utf8, io))
    try:
        words = (head + bad).decode("utf-8")  # b"\xc2" + b"\x80abc" is U+0080 "abc"
    except UnicodeDecodeError:
        pass
    else:
        assert done.returncode == 0, done.stderr
        assert done.stdout == say(words, 9 if option else None).encode()
        return
    assert (done.returncode, done.stdout) == (2, b""), done.stderr
    one_line(done.stderr)
    assert b"not valid UTF-8" in done.stderr


@RUNS
@given(
    name=st.one_of(
        words_strategy.map(str.encode),
        st.binary(min_size=1, max_size=8),
    ).filter(lambda name: b"\0" not in name and b"/" not in name and name not in (b".", b"..")),
    **settings_strategy,
)
def test_files_paths_name_the_file_their_bytes_name(
    locpath: Path,
    tmp_path_factory: pytest.TempPathFactory,
    name: bytes,
    locale: str,
    utf8: str | None,
    io: str | None,
) -> None:
    cwd = tmp_path_factory.mktemp("files")
    if name in (b".", b".."):
        return
    path = os.fsencode(cwd) + b"/" + name
    with open(path, "wb") as handle:
        handle.write("contenu été".encode())
    env = environment(locpath, locale, utf8, io)
    done = run_bytes([b"--files", path], cwd, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == say("contenu été").encode("utf-8")
    missing = run_bytes([b"--files", path + b".missing"], cwd, env)
    assert missing.returncode == 1
    one_line(missing.stderr)


@RUNS
@given(text=st.text(max_size=40), **settings_strategy)
def test_stdin_is_utf8_in_every_locale(
    locpath: Path,
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    locale: str,
    utf8: str | None,
    io: str | None,
) -> None:
    cwd = tmp_path_factory.mktemp("stdin")
    done = run_bytes(
        [b"-"], cwd, environment(locpath, locale, utf8, io), text.encode("utf-8", "surrogatepass")
    )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        assert done.returncode == 1
        one_line(done.stderr)
        return
    assert done.returncode == 0, done.stderr
    assert done.stdout == say(text).encode("utf-8")


@pytest.mark.parametrize("locale", SWEPT_LOCALES)
@pytest.mark.parametrize("io", IO_ENCODINGS)
@pytest.mark.parametrize("utf8", UTF8_MODES)
def test_an_error_with_any_character_is_one_line(
    locpath: Path, tmp_path: Path, locale: str, io: str | None, utf8: str | None
) -> None:
    """An error quoting non-ASCII text (a missing file 'été ☃ 😀') under an encoding that cannot
    show it is still its one line (escaped), never lost and never a traceback."""
    env = environment(locpath, locale, utf8, io)
    done = run_bytes([b"--files", "été ☃ 😀 \x1b".encode()], tmp_path, env)
    assert done.returncode == 1
    one_line(done.stderr)
    assert b"\x1b" not in done.stderr


# ---- class A: every name a run reads, not only argv, is its UTF-8 bytes ---------------------

# Printable characters beyond ASCII, several outside ISO-8859-1: a locale's decoding changes them.
non_ascii_names = st.text(
    st.characters(
        min_codepoint=0xA1,
        max_codepoint=0x33FF,
        exclude_categories=["Cs", "Cc", "Cf", "Cn", "Co", "Zs", "Zl", "Zp", "Mn", "Me", "Mc"],
    ),
    min_size=1,
    max_size=6,
)
COW_SOURCE = "$the_cow = <<EOC;\n $thoughts {name}\nEOC\n"
NAME_SURFACES = ["--character PATH", "COWPATH name", "--list-characters", "context file", "seed"]


def seeded_pick(env: dict[str, str], seed: bytes, cwd: Path) -> bytes:
    done = subprocess.run(
        [os.fsencode(FERRIS), b"-r", b"hi"],
        cwd=cwd,
        env=bytes_env(env, FERRIS_SAYS_SEED=seed),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("locale", SWEPT_LOCALES)
@RUNS
@given(
    name=non_ascii_names, surface=st.sampled_from(NAME_SURFACES), utf8=st.sampled_from(UTF8_MODES)
)
def test_names_from_every_surface_are_their_utf8_bytes_in_every_locale(
    locpath: Path,
    tmp_path_factory: pytest.TempPathFactory,
    locale: str,
    name: str,
    surface: str,
    utf8: str | None,
) -> None:
    """A path in --character, a COWPATH directory and the names in it, a context file named by
    Dagster's JSON, FERRIS_SAYS_SEED: each is read as the UTF-8 bytes it is, whatever the
    locale, as argv is (--files already was)."""
    cwd = tmp_path_factory.mktemp("names")
    raw = name.encode("utf-8")
    env = environment(locpath, locale, utf8, None)
    cows = cwd / f"cows-{name}"
    cows.mkdir()
    (cows / f"{name}.cow").write_text(COW_SOURCE.format(name=name), encoding="utf-8")
    env_bytes = bytes_env(env, COWPATH=os.fsencode(cows))
    drawn = f" \\ {name}\n".encode()
    if surface == "--character PATH":
        done = run_bytes([b"-c", os.fsencode(cows / f"{name}.cow"), b"hi"], cwd, env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.endswith(drawn)
    elif surface in ("COWPATH name", "--list-characters"):
        args = [b"-c", raw, b"hi"] if surface == "COWPATH name" else [b"--list-characters"]
        done = run_bytes(args, cwd, env_bytes)
        assert done.returncode == 0, done.stderr
        if surface == "COWPATH name":
            assert done.stdout.endswith(drawn)
        else:
            assert raw in done.stdout.splitlines()
    elif surface == "context file":
        (cwd / f"ctx-{name}.json").write_text('{"asset_keys": ["ferris"]}', encoding="utf-8")
        pipes = {
            "DAGSTER_PIPES_CONTEXT": encode({"path": f"ctx-{name}.json"}),
            "DAGSTER_PIPES_MESSAGES": encode({"path": f"msg-{name}.jsonl"}),
        }
        done = run_bytes([b"hi"], cwd, {**env, **pipes})
        assert done.returncode == 0, done.stderr
        assert read_messages(cwd / f"msg-{name}.jsonl")[-1]["method"] == "closed"
    else:
        utf8_env = environment(locpath, "C.UTF-8", "1", None)
        assert seeded_pick(env, raw, cwd) == seeded_pick(utf8_env, raw, cwd)

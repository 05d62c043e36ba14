"""The `ferris-says` command, through click's CliRunner and through the installed entry point.

Every test runs in an empty temporary directory (no ./fake_temp/) with no DAGSTER_PIPES_*
variables, so no Pipes session opens: the command just speaks. Expected output always comes
from `ferris_says.say` or from literal strings, never from the command itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn, cast

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.crate_pictures import CRATE_FERRIS
from support.hypothesis_profiles import examples

import ferris_says.speak
from ferris_says import __version__, inputs, say, streams
from ferris_says import cli as cli_module
from ferris_says.characters import character_names
from ferris_says.command import cli
from ferris_says.cowpath import cowpath_file
from ferris_says.errors import FerrisUsageError
from ferris_says.looks import all_names
from ferris_says.request import Request
from ferris_says.speak import gather_texts

if TYPE_CHECKING:
    from ferris_says.pipes.session import FerrisPipesSession

from support.run_command import (
    command,
    run,
)
from support.run_command import (
    one_error_line as error_line_naming,
)

from ferris_says.bubble import MAX_WIDTH

ENTRY_POINT = Path(sys.executable).parent / "ferris-says"

# The crate's picture for the blog's words, written out by hand.
WHAT_YOU_WANT = " _______________\n< what you want >\n ---------------" + CRATE_FERRIS

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SCRUBBED = (
    "DAGSTER_PIPES_CONTEXT",
    "DAGSTER_PIPES_MESSAGES",
    "NO_COLOR",
    "FORCE_COLOR",
    "COLORTERM",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "PYTHONUNBUFFERED",  # as support.run_command's CLEAN_ENV: the tests that want it set it
    "PYTHONIOENCODING",
)


@pytest.fixture(autouse=True)
def plain_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty working directory and no Dagster or colour variables."""
    monkeypatch.chdir(tmp_path)
    for name in SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert not Path("fake_temp").exists()


def make_runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2 has it
    except TypeError:
        return CliRunner()  # click >= 8.2 keeps stderr apart by itself


def invoke(
    args: Sequence[str], input: str | bytes | None = None, env: dict[str, str] | None = None
) -> Result:
    return make_runner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["TERM"] = "xterm"
    env.update(extra)
    return env


def run_cmd(
    args: Sequence[str],
    input: str | bytes | None = None,
    cwd: Path | str | None = None,
    timeout: int = 60,
    **env: str,
) -> subprocess.CompletedProcess[bytes]:
    """The installed entry point, as a real process; `input` is bytes or str (UTF-8)."""
    if isinstance(input, str):
        input = input.encode("utf-8")
    return command(
        [str(ENTRY_POINT), *args],
        input=input,
        cwd=cwd or os.getcwd(),
        env=child_env(**env),
        timeout=timeout,
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("ferris-says: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_the_entry_point_is_installed() -> None:
    assert ENTRY_POINT.exists(), f"install the package first: {ENTRY_POINT} is missing"


# --- words ----------------------------------------------------------------------------------


def test_blog_words_through_both_paths() -> None:
    assert say("what you want") == WHAT_YOU_WANT
    result = invoke(["what you want"])
    assert result.exit_code == 0
    assert result.stdout_bytes == WHAT_YOU_WANT.encode()
    assert result.stderr == ""
    proc = run_cmd(["what you want"])
    assert proc.returncode == 0
    assert proc.stdout == WHAT_YOU_WANT.encode()
    assert proc.stderr == b""


@pytest.mark.parametrize(
    "words",
    [
        ["what", "you", "want"],
        ["Hello", "fellow", "Rustaceans!"],
        ["two  spaces", "and\ttab"],
        [""],
        ["", ""],
        ["a", "-", "b"],
    ],
)
def test_words_are_joined_with_one_space(words: list[str]) -> None:
    expected = say(" ".join(words)).encode("utf-8")
    assert invoke(words).stdout_bytes == expected
    proc = run_cmd(words)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, expected, b"")


def test_words_that_look_like_options_after_double_dash() -> None:
    expected = say("--width -v").encode()
    assert invoke(["--", "--width", "-v"]).stdout_bytes == expected
    assert run_cmd(["--", "--width", "-v"]).stdout == expected


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12
        ),
        min_size=1,
        max_size=5,
    ).filter(lambda words: words != ["-"])
)
def test_any_words_say_what_say_says(words: list[str]) -> None:
    result = invoke(["--", *words])
    assert result.exit_code == 0
    assert result.stdout_bytes == say(" ".join(words)).encode("utf-8")


def test_dash_reads_stdin() -> None:
    text = "from stdin\nsecond line\n"
    expected = say(text).encode()
    assert invoke(["-"], input=text).stdout_bytes == expected
    proc = run_cmd(["-"], input=text)
    assert (proc.returncode, proc.stdout) == (0, expected)


def test_no_words_and_piped_stdin_reads_stdin_as_is() -> None:
    # Like fsays: the whole of stdin, trailing newline included, is the text.
    text = "  piped\t\twords  \n"
    expected = say(text).encode()
    assert invoke([], input=text).stdout_bytes == expected
    proc = run_cmd([], input=text)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, expected, b"")
    proc = run_cmd(["--width", "3"], input=text)
    assert proc.stdout == say(text, 3).encode()


def test_empty_stdin_says_nothing_in_an_empty_bubble() -> None:
    assert say("").startswith(" __\n --\n")
    assert invoke([], input="").stdout_bytes == say("").encode()
    proc = run_cmd([], input=b"")
    assert (proc.returncode, proc.stdout) == (0, say("").encode())


def test_stdin_that_is_not_utf8_is_a_runtime_error() -> None:
    proc = run_cmd([], input=b"caf\xe9\n")
    assert proc.returncode == 1
    assert proc.stdout == b""
    line = one_error_line(proc.stderr.decode())
    assert "stdin: is not valid UTF-8" in line and "0xe9" in line
    result = invoke(["-"], input=b"\xff")
    assert result.exit_code == 1
    one_error_line(result.stderr)


def test_argument_that_is_not_utf8_is_a_usage_error() -> None:
    proc = subprocess.run(
        [os.fsencode(ENTRY_POINT), b"caf\xe9"], capture_output=True, env=child_env(), timeout=60
    )
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "not valid UTF-8" in one_error_line(proc.stderr.decode())


# --- nothing to say -------------------------------------------------------------------------


def test_nothing_to_say_on_a_terminal_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "stdin_is_terminal", lambda: True)
    result = invoke([], input="never read")
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    assert "nothing to say" in one_error_line(result.stderr)
    # Options do not change that.
    result = invoke(["--width", "10", "--character", "clippy"], input="never read")
    assert result.exit_code == 2


def test_nothing_to_say_in_main_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(streams, "stdin_is_terminal", lambda: True)
    assert cli_module.main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing to say" in one_error_line(captured.err)


def read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO once the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_terminal_stdin_never_hangs_in_a_real_process() -> None:
    import pty as pty_module

    master, slave = pty_module.openpty()
    try:
        started = time.monotonic()
        proc = subprocess.run(
            [str(ENTRY_POINT)],
            stdin=slave,
            capture_output=True,
            env=child_env(),
            timeout=30,  # a hang fails here
        )
        assert time.monotonic() - started < 30
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "nothing to say" in one_error_line(proc.stderr.decode())


# --- --files --------------------------------------------------------------------------------


def test_one_file_is_said_as_is(tmp_path: Path) -> None:
    text = "first line\nsecond\tline with  spaces\n"
    (tmp_path / "a.txt").write_bytes(text.encode())
    expected = say(text).encode()
    assert invoke(["--files", "a.txt"]).stdout_bytes == expected
    proc = run_cmd(["-f", "a.txt"])
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, expected, b"")


def test_two_files_give_two_pictures_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha beta gamma\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("ラクスル 折り返します", encoding="utf-8")
    expected = (say("alpha beta gamma\n", 8) + say("ラクスル 折り返します", 8)).encode()
    assert invoke(["--width", "8", "--files", "a.txt", "--files", "b.txt"]).stdout_bytes == expected
    proc = run_cmd(["-w", "8", "-f", "a.txt", "-f", "b.txt"])
    assert (proc.returncode, proc.stdout) == (0, expected)
    reverse = run_cmd(["-w", "8", "-f", "b.txt", "-f", "a.txt"])
    assert (
        reverse.stdout == (say("ラクスル 折り返します", 8) + say("alpha beta gamma\n", 8)).encode()
    )


def test_files_with_a_character(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("moo", encoding="utf-8")
    assert run_cmd(["-f", "a.txt", "-c", "cow"]).stdout == say("moo", None, "cow").encode()


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda d: d / "missing.txt", "does not exist"),
        (lambda d: (d / "adir").mkdir() or d / "adir", "is a directory"),
        (
            lambda d: (d / "latin1.txt").write_bytes(b"caf\xe9") and d / "latin1.txt",
            "is not valid UTF-8 (byte 0xe9 at offset 3)",
        ),
    ],
    ids=["missing", "directory", "not-utf8"],
)
def test_unreadable_files_are_one_line_and_exit_1(
    tmp_path: Path, make: Callable[[Path], Path], fragment: str
) -> None:
    path = make(tmp_path)
    (tmp_path / "good.txt").write_text("fine", encoding="utf-8")
    for args in (["--files", path.name], ["--files", "good.txt", "--files", path.name]):
        result = invoke(args)
        assert result.exit_code == 1
        assert result.stdout_bytes == b""  # nothing written before every file is read
        line = one_error_line(result.stderr)
        assert repr(path.name) in line and fragment in line
        proc = run_cmd(args)
        assert proc.returncode == 1
        assert proc.stdout == b""
        assert one_error_line(proc.stderr.decode()) == line


def test_files_and_words_together_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    result = invoke(["--files", "a.txt", "words"])
    assert result.exit_code == 2
    assert "not both" in one_error_line(result.stderr)


# --- --width --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [0, 1, 3, 10, 24, 80])
def test_width_wraps_like_say(width: int) -> None:
    text = "Hello fellow Rustaceans! パイプで渡した言葉も折り返します"
    expected = say(text, width).encode()
    assert invoke(["--width", str(width), text]).stdout_bytes == expected
    assert run_cmd([f"--width={width}", text]).stdout == expected


def test_default_width_is_the_byte_length_not_40() -> None:
    text = "a fairly long sentence that is longer than forty columns, so forty would wrap it"
    expected = say(text, len(text.encode())).encode()
    assert say(text) == say(text, len(text.encode()))
    assert say(text) != say(text, 40)
    assert run_cmd([text]).stdout == expected


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", ""])
def test_bad_width_is_a_one_line_usage_error(value: str) -> None:
    result = invoke(["--width", value, "hi"])
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    assert "--width" in one_error_line(result.stderr)
    proc = run_cmd(["--width", value, "hi"])
    assert proc.returncode == 2
    assert proc.stdout == b""
    one_error_line(proc.stderr.decode())


def test_unknown_option_is_a_one_line_usage_error() -> None:
    proc = run_cmd(["--nope", "hi"])
    assert proc.returncode == 2
    assert "--nope" in one_error_line(proc.stderr.decode())


# --- characters -----------------------------------------------------------------------------


def test_ferris_is_the_default_character() -> None:
    assert invoke(["-c", "ferris", "hi"]).stdout_bytes == invoke(["hi"]).stdout_bytes
    assert invoke(["--character", "ferris", "hi"]).stdout_bytes == say("hi").encode()


def test_clippy() -> None:
    expected = say("It looks like you are writing Rust", 12, "clippy").encode()
    assert b"@  @" in expected
    assert (
        invoke(
            ["-w", "12", "--character", "clippy", "It looks like you are writing Rust"]
        ).stdout_bytes
        == expected
    )
    assert (
        run_cmd(["-w", "12", "-c", "clippy", "It looks like you are writing Rust"]).stdout
        == expected
    )


#: The cowsay package's characters no cowsay directory shadows here (a name a directory has is
#: drawn from its .cow file, as cowsay draws it: test_cowsay_oracle.py).
PACKAGE_ONLY = [name for name in character_names() if cowpath_file(name) is None]


@pytest.mark.parametrize("name", ["cow", "pig", "trex"])
def test_cowsay_characters(name: str) -> None:
    assert run_cmd(["-c", name, "hello"]).stdout == say("hello", None, name).encode()


def test_unknown_character_is_a_usage_error_listing_the_cast() -> None:
    result = invoke(["--character", "ferrris", "hi"], input="never read")
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    line = one_error_line(result.stderr)
    assert "'ferrris'" in line and "did you mean 'ferris'" in line
    assert ", ".join(all_names()) in line  # ours, the directories' .cow files, the package's
    proc = run_cmd(["-c", "nobody", "hi"])
    assert proc.returncode == 2
    assert "'nobody'" in one_error_line(proc.stderr.decode())


def test_unknown_character_fails_before_stdin_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading() -> NoReturn:
        raise AssertionError("stdin read before the character was checked")

    monkeypatch.setattr(inputs, "read_stdin", no_reading)
    result = invoke(["--character", "nobody"])
    assert result.exit_code == 2
    assert "unknown character 'nobody'" in one_error_line(result.stderr)


def test_list_characters() -> None:
    expected = "".join(f"{name}\n" for name in all_names())
    assert expected.startswith("ferris\nclippy\n")
    assert "\ncow\n" in expected and "\ntux\n" in expected
    assert set(all_names()) >= set(character_names())
    result = invoke(["--list-characters"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    proc = run_cmd(["--list-characters"])
    assert (proc.returncode, proc.stdout.decode()) == (0, expected)


def test_every_listed_character_can_speak() -> None:
    for name in PACKAGE_ONLY:
        result = invoke(["-c", name, "hi"])
        assert result.exit_code == 0, name
        assert result.stdout_bytes == say("hi", None, name).encode()


# --- colour ---------------------------------------------------------------------------------


def paint_check(out: bytes, plain: str) -> None:
    text = out.decode("utf-8")
    assert "\x1b[" in text
    assert ANSI.sub("", text) == plain  # the same picture under the colour
    bubble = plain[: plain.index(" -")]
    assert text.startswith(bubble)  # the bubble itself stays uncoloured


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}, {"NO_COLOR": "1"}])
def test_color_never_is_byte_identical(env: dict[str, Any]) -> None:
    result = invoke(["--color", "never", "hi"], env=env)
    assert result.stdout_bytes == say("hi").encode()
    assert run_cmd(["--color", "never", "hi"], **env).stdout == say("hi").encode()


def test_color_always_paints_ferris_rust_orange() -> None:
    proc = run_cmd(["--color", "always", "hi"], COLORTERM="truecolor")
    assert proc.returncode == 0
    paint_check(proc.stdout, say("hi"))
    assert b"\x1b[38;2;247;76;0m" in proc.stdout  # #F74C00
    proc = run_cmd(["--color", "always", "hi"], TERM="xterm-256color")
    assert b"\x1b[38;5;202m" in proc.stdout  # the nearest of 256
    paint_check(proc.stdout, say("hi"))


def test_color_always_beats_no_color() -> None:
    proc = run_cmd(["--color", "always", "hi"], NO_COLOR="1")
    paint_check(proc.stdout, say("hi"))


def test_color_always_with_a_cowsay_character_and_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / "b.txt").write_text("two", encoding="utf-8")
    proc = run_cmd(["--color", "always", "-c", "cow", "-f", "a.txt", "-f", "b.txt"])
    text = proc.stdout.decode()
    assert ANSI.sub("", text) == say("one", None, "cow") + say("two", None, "cow")
    assert text.count("< two >") == 1
    assert text.count("^__^\x1b[0m") == 2  # both cows painted


@pytest.mark.parametrize(
    "env, colored",
    [
        ({}, False),
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "0"}, True),  # force-color.org: any non-empty value
        ({"FORCE_COLOR": ""}, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins
    ],
)
def test_color_auto_off_a_terminal(env: dict[str, Any], colored: bool) -> None:
    for out in (invoke(["hi"], env=env).stdout_bytes, run_cmd(["hi"], **env).stdout):
        if colored:
            paint_check(out, say("hi"))
        else:
            assert out == say("hi").encode()


@pytest.mark.parametrize(
    "env, colored",
    [
        ({}, True),
        ({"NO_COLOR": "1"}, False),
        ({"NO_COLOR": "anything"}, False),
        ({"NO_COLOR": ""}, True),  # no-color.org: present and not empty
        ({"TERM": "dumb"}, False),
    ],
)
def test_color_auto_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], colored: bool
) -> None:
    monkeypatch.setattr(streams, "stdout_is_terminal", lambda: True)
    out = invoke(["hi"], env=env).stdout_bytes
    if colored:
        paint_check(out, say("hi"))
    else:
        assert out == say("hi").encode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("env, colored", [({}, True), ({"NO_COLOR": "1"}, False)])
def test_color_auto_on_a_real_terminal(env: dict[str, str], colored: bool) -> None:
    import pty as pty_module

    master, slave = pty_module.openpty()
    try:
        proc = subprocess.Popen(
            [str(ENTRY_POINT), "hi"],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
            env=child_env(**env),
        )
        os.close(slave)
        out = read_all(master)
        assert proc.wait(timeout=30) == 0
    finally:
        os.close(master)
        assert proc.stderr is not None
        proc.stderr.close()
    out = out.replace(b"\r\n", b"\n")  # the terminal's line discipline
    if colored:
        paint_check(out, say("hi"))
    else:
        assert out == say("hi").encode()


def test_bad_color_value_is_a_usage_error() -> None:
    result = invoke(["--color", "sometimes", "hi"])
    assert result.exit_code == 2
    one_error_line(result.stderr)


# --- bytes, not the locale ------------------------------------------------------------------

JAPANESE = "パイプで渡した言葉も、日本語なら文字の間で折り返します。"


@pytest.mark.parametrize("width", [None, 12])
def test_japanese_is_utf8_whatever_the_locale(width: int | None) -> None:
    expected = say(JAPANESE, width).encode("utf-8")
    args = [JAPANESE] if width is None else ["--width", str(width), JAPANESE]
    env: dict[str, Any] = {"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}
    proc = run_cmd(args, **env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, expected, b"")
    args = ["-"] if width is None else ["--width", str(width), "-"]
    proc = run_cmd(args, input=JAPANESE, **env)
    assert (proc.returncode, proc.stdout) == (0, expected)


def test_japanese_file_under_the_c_locale(tmp_path: Path) -> None:
    (tmp_path / "ja.txt").write_text(JAPANESE + "\n", encoding="utf-8")
    proc = run_cmd(["-w", "10", "-f", "ja.txt"], PYTHONIOENCODING="ascii", LC_ALL="C")
    assert proc.stdout == say(JAPANESE + "\n", 10).encode("utf-8")


def test_errors_naming_non_ascii_paths_survive_an_ascii_stderr() -> None:
    proc = run_cmd(["-f", "ないファイル.txt"], PYTHONIOENCODING="ascii", LC_ALL="C")
    assert proc.returncode == 1
    line = one_error_line(proc.stderr.decode("ascii"))
    assert "does not exist" in line


# --- version, help, python -m ---------------------------------------------------------------


def test_version() -> None:
    assert __version__ == ferris_says.__version__
    result = invoke(["--version"])
    assert (result.exit_code, result.stdout) == (0, f"ferris-says {__version__}\n")
    proc = run_cmd(["-V"])
    assert (proc.returncode, proc.stdout) == (0, f"ferris-says {__version__}\n".encode())


def test_help_lists_every_option_and_keeps_the_examples_intact() -> None:
    result = invoke(["--help"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Usage: ferris-says [OPTIONS] [WORDS]...")
    for option in (
        "--files",
        "--width",
        "--character",
        "--list-characters",
        "--color",
        "--asset-key",
        "--verbose",
        "--version",
        "--help",
    ):
        assert option in out
    # `\b` blocks keep one example per line, unwrapped.
    assert '\n    ferris-says "what you want"\n' in out
    assert "\n    ferris-says --list-characters\n" in out
    assert "\n    echo 'パイプで渡した言葉も折り返します' | ferris-says --width 16\n" in out
    assert "NO_COLOR" in out and "FORCE_COLOR" in out
    proc = run_cmd(["-h"])
    assert proc.returncode == 0
    assert proc.stdout.decode().startswith("Usage: ferris-says [OPTIONS] [WORDS]...")


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ferris_says", "what you want"],
        capture_output=True,
        env=child_env(),
        timeout=60,
    )
    assert (proc.returncode, proc.stdout.decode()) == (0, WHAT_YOU_WANT)
    proc = subprocess.run(
        [sys.executable, "-m", "ferris_says", "--width", "-2", "x"],
        capture_output=True,
        env=child_env(),
        timeout=60,
    )
    assert proc.returncode == 2


# --- verbose, failures ----------------------------------------------------------------------


def test_verbose_traces_to_stderr_only() -> None:
    result = invoke(["-v", "what", "you", "want"])
    assert result.exit_code == 0
    assert result.stdout_bytes == WHAT_YOU_WANT.encode()
    assert "words: from the command line (3 argument(s))" in result.stderr
    assert "no DAGSTER_PIPES_* variables and no ./fake_temp/" in result.stderr
    assert "colour: off (not a terminal)" in result.stderr
    result = invoke(["-v"], input="piped")
    assert "words: from stdin" in result.stderr


def test_unexpected_errors_are_one_line_and_verbose_adds_the_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> NoReturn:
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr(ferris_says.speak, "bubble_lines", broken)
    result = invoke(["hi"])
    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert "unexpected RuntimeError: the renderer fell over" in one_error_line(result.stderr)
    result = invoke(["-v", "hi"])
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("ferris-says: error: unexpected")


def test_plain_words_skip_click_but_behave_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    # main() with only words does not build the click command; the result is the same.
    assert cli_module.main(["what", "you", "want"]) == 0
    assert capsys.readouterr().out == WHAT_YOU_WANT
    assert cli_module.main(["--width", "3", "what"]) == 0
    assert capsys.readouterr().out == say("what", 3)
    assert cli_module.main(["--width", "x", "what"]) == 2


def test_plain_path_imports_neither_rich_nor_cowsay_nor_click() -> None:
    code = (
        "import sys\n"
        "from ferris_says.cli import main\n"
        "code = main(['what', 'you', 'want'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules}\n"
        "               & {'click', 'rich', 'cowsay', 'dagster_pipes', 'json', 'traceback'})\n"
        "assert code == 0 and not heavy, heavy\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=child_env(), timeout=60
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == WHAT_YOU_WANT.encode()


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_reader_leaving_early_ends_quietly_with_1(tmp_path: Path, unbuffered: str) -> None:
    # A picture of 1.4 MB, more than a pipe can hold (64 KiB, 1 MiB at most), so the write
    # must meet the closed pipe; the whole text is wrapped before the first line is written.
    (tmp_path / "big.txt").write_text("word " * 250_000, encoding="utf-8")
    proc = subprocess.Popen(
        [str(ENTRY_POINT), "--width", "40", "--files", "big.txt"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(PYTHONUNBUFFERED=unbuffered),
    )
    assert proc.stdout is not None and proc.stderr is not None
    head = proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=120) == 1
    assert head == b" " + b"_" * 9
    assert proc.stderr.read() == b""  # no traceback, no "Exception ignored ... BrokenPipeError"
    proc.stderr.close()


@pytest.mark.parametrize("unbuffered", ["1", ""])
@pytest.mark.parametrize(
    "args",
    [
        ["hi"],
        ["-w", "5", "hi"],
        ["--list-characters"],
        ["--help"],
        ["--version"],
        ["-c", "cow", "--color", "always", "moo"],
    ],
)
def test_stdout_closed_before_anything_is_written(args: Sequence[str], unbuffered: str) -> None:
    # Small outputs sit in Python's buffer: without care its final flush at shutdown would
    # print "Exception ignored ... BrokenPipeError" and exit 120.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [str(ENTRY_POINT), *args],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=child_env(PYTHONUNBUFFERED=unbuffered),
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (1, b"")


def test_whole_output_arrives_under_python_unbuffered(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 200_000, encoding="utf-8")
    proc = run_cmd(["-w", "40", "-f", "big.txt"], PYTHONUNBUFFERED="1")
    assert proc.stdout == say("word " * 200_000, 40).encode()


# --- where the words come from, with a session (no Dagster needed) --------------------------


def as_session(stand_in: SimpleNamespace) -> FerrisPipesSession:
    """A stand-in with the two attributes gather_texts reads, typed as the session it plays."""
    return cast("FerrisPipesSession", stand_in)


class ExplodingStdin:
    def __getattr__(self, name: str) -> NoReturn:
        raise AssertionError("stdin must not be touched")

    def isatty(self) -> NoReturn:
        raise AssertionError("stdin must not be touched")


def test_under_dagster_with_no_words_uses_the_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", ExplodingStdin())
    session = SimpleNamespace(extras_words="Say, say, say", launched_by_dagster=True)
    assert gather_texts(Request(), as_session(session)) == ["Say, say, say"]
    assert gather_texts(Request(words=["given", "words"]), as_session(session)) == ["given words"]


def test_under_dagster_with_nothing_never_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", ExplodingStdin())
    session = SimpleNamespace(extras_words=None, launched_by_dagster=True)
    with pytest.raises(FerrisUsageError, match="Dagster"):
        gather_texts(Request(), as_session(session))


def test_fake_temp_session_without_extras_still_reads_piped_stdin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streams, "stdin_is_terminal", lambda: False)
    monkeypatch.setattr(inputs, "read_stdin", lambda: b"piped")
    session = SimpleNamespace(extras_words=None, launched_by_dagster=False)
    assert gather_texts(Request(), as_session(session)) == ["piped"]
    monkeypatch.setattr(streams, "stdin_is_terminal", lambda: True)
    with pytest.raises(FerrisUsageError, match="nothing to say"):
        gather_texts(Request(), as_session(session))


# ---- options: enormous --width, --asset-key without Dagster ----------------------------------


def test_width_up_to_rusts_usize_max_is_accepted(cwd: Path) -> None:
    done = run(["--width", str(MAX_WIDTH), "big", "width"], cwd)
    assert (done.returncode, done.stdout) == (0, say("big width", MAX_WIDTH).encode())
    assert MAX_WIDTH == 2**64 - 1


@pytest.mark.parametrize("value", [str(2**64), str(10**30), "9" * 5000, "-" + "9" * 5000])
def test_width_beyond_rusts_usize_is_a_usage_error(cwd: Path, value: str) -> None:
    done = run(["--width", value, "hi"], cwd)
    assert done.returncode == 2 and done.stdout == b""
    line = error_line_naming(
        done.stderr, "--width", "is not in the range 0<=x<=18446744073709551615"
    )
    assert len(line) < 300  # thousands of digits are not echoed back


def test_width_with_thousands_of_leading_zeros_is_still_a_width(cwd: Path) -> None:
    done = run(["--width", "0" * 5000 + "3", "big width"], cwd)  # past Python's int() digit limit
    assert (done.returncode, done.stdout) == (0, say("big width", 3).encode())


def test_asset_key_without_dagster_is_ignored(cwd: Path) -> None:
    done = run(["--asset-key", "ferris", "hi"], cwd)
    assert (done.returncode, done.stdout, done.stderr) == (0, say("hi").encode(), b"")
    verbose = run(["-v", "--asset-key", "ferris", "hi"], cwd)
    assert b"--asset-key 'ferris' ignored" in verbose.stderr
    assert list(cwd.iterdir()) == []  # and nothing written anywhere


@pytest.mark.parametrize("width", ["1_000", " 5", "5 ", "５", "-0", "0x10", "", "+"])
def test_width_must_be_what_rusts_usize_parser_takes(cwd: Path, width: str) -> None:
    done = run(["--width", width, "hi"], cwd)
    assert done.returncode == 2 and done.stdout == b""
    error_line_naming(done.stderr, "--width")


def test_width_may_carry_a_plus_sign_as_in_rust(cwd: Path) -> None:
    done = run(["--width", "+5", "hi there"], cwd)
    assert (done.returncode, done.stdout) == (0, say("hi there", 5).encode())

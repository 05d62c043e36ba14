"""`ferris-cowsay` and `ferris-cowthink` against Debian's Perl cowsay 3.03, byte for byte.

Every Debian cow, every mode, saying and thinking; messages made by hypothesis from the pieces
that decide a wrap (spaces, tabs, runs of blanks, leading and trailing whitespace, blank lines,
newlines followed by blanks, ANSI colour codes, Unicode spaces, marks, control characters,
words longer than the column, NUL) at every column from 2 to 100 and with -n, from argv and
from stdin, with -e, -T and the mode letters; and the command line itself (bundling, values
attached or not, unknown options, the first word ending the options). Perl answers through
`perl_cowsay.PerlCowsay`, which runs the script's own code; `make test` installs cowsay (the
Makefile's COWSAY target): its absence fails, it never skips.

What the docs list as deliberate differences (docs/pages/cowsay.md) is kept out of the
byte-for-byte cases and tested on its own below: wide characters, a first word `0` or empty,
a column Perl cannot wrap at, a mark that starts a paragraph, -h and -n with words, the
program's name in an error, no words with stdin a terminal.
"""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from support import run_command
from support.hypothesis_profiles import examples
from support.perl_cowsay import COWSAY, DEBIAN_COWS, Answer, PerlCowsay, run_script
from support.run_command import CLEAN_ENV
from support.slow import sample
from support.system_tools import needs

from ferris_says import cowpath, cowsay_cast, cowsay_cli, cowsay_options, perl_text
from ferris_says.cowfile import load_cow_file
from ferris_says.errors import VALUE_SHOWN, shown
from ferris_says.getopts import getopts
from ferris_says.modes import MODES

FERRIS_COWSAY = str(Path(sys.executable).with_name("ferris-cowsay"))
FERRIS_COWTHINK = str(Path(sys.executable).with_name("ferris-cowthink"))
MODE_LETTERS = "".join(letter for letter, *_ in MODES)
PROGRAMS = {False: cowsay_options.COWSAY, True: cowsay_options.COWTHINK}


def perl_cases(count: int) -> settings:
    """``count`` examples (scaled by the profile: tests/support/hypothesis_profiles.py), each
    asking Perl, so no deadline."""
    return settings(
        max_examples=examples(count), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


@pytest.fixture(scope="module")
def perl() -> Iterator[PerlCowsay]:
    oracle = PerlCowsay()
    yield oracle
    oracle.close()


@pytest.fixture(scope="module", autouse=True)
def no_cowpath() -> Iterator[None]:
    """Perl runs without COWPATH (its default directory); so does this process's drop-in."""
    saved = os.environ.pop("COWPATH", None), os.environ.pop("NO_COLOR", None)
    yield
    for name, value in zip(("COWPATH", "NO_COLOR"), saved):
        if value is not None:
            os.environ[name] = value


def debian_cows() -> list[Path]:
    """Debian's .cow files; none without the package, whose tests `needs` then skips."""
    cows = sorted(DEBIAN_COWS.glob("*.cow"))
    assert not cows or len(cows) >= 40, cows
    return cows


def ours(argv: list[str], stdin: bytes = b"", think: bool = False) -> tuple[int, Answer]:
    """ferris-cowsay (or ferris-cowthink) run in this process, its streams captured."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8")
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8")
    try:
        code = cowsay_cli.run_command(
            cowsay_options.COWTHINK if think else cowsay_options.COWSAY, argv
        )
        sys.stdout.flush()
        sys.stderr.flush()
        answer = Answer(out.getvalue(), err.getvalue().decode("utf-8"))
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return code, answer


def as_perl_names_it(answer: Answer, think: bool) -> str:
    """Our stderr with cowsay's program name where Perl's `die` lines have it."""
    ours_name, perls = ("ferris-cowthink", "cowthink") if think else ("ferris-cowsay", "cowsay")
    return re.sub(f"^{ours_name}: ", f"{perls}: ", answer.stderr, flags=re.MULTILINE)


def as_documented(perls_stderr: str) -> str:
    """Perl's stderr with the documented differences: an unknown option's letter written as
    UTF-8 (Perl writes one below 256 as a Latin-1 byte), and shown as its escape when a
    terminal would act on it (a control character)."""

    def letter(match: re.Match[str]) -> str:
        char = match[1]
        if "\udc80" <= char <= "\udcff":  # a byte Perl wrote as Latin-1
            char = chr(ord(char) - 0xDC00)
        return "Unknown option: " + (char if char.isprintable() else ascii(char)[1:-1])

    def cow_name(match: re.Match[str]) -> str:  # a name that would not read as given, quoted
        name = match[2]
        plain = name.isprintable() and name.split() == [name]
        line = f"{match[1]}: Could not find {name if plain else shown(name, VALUE_SHOWN)} cowfile!"
        return " ".join(line.split())  # an error line shows a run of whitespace as one space

    perls_stderr = re.sub(
        r"^(\S+): Could not find (.*) cowfile!$", cow_name, perls_stderr, flags=re.MULTILINE
    )
    return re.sub(r"^Unknown option: (.)$", letter, perls_stderr, flags=re.MULTILINE | re.DOTALL)


PERL_USAGE = "cow{say,think} version 3.03"
PERL_THREE = b"\n< 3 >\n"


def assert_same(perl: PerlCowsay, argv: list[str], stdin: bytes = b"", think: bool = False) -> None:
    """ferris-cowsay prints what cowsay prints, on stdout and stderr, and exits 0 where cowsay
    does and 2 where cowsay dies; where the docs say it differs, it does what they say."""
    code, answer = ours(argv, stdin, think)
    expected = perl.run(argv, stdin, think)
    warnings, _, perls_usage = expected.stderr.partition(PERL_USAGE)
    if perls_usage:  # -h, or -n with words: cowsay's usage; here one line for -n
        assert code == 2 and answer.stdout == expected.stdout == b""
        assert answer.stderr.startswith(warnings), (argv, answer)
        rest = answer.stderr[len(warnings) :]
        assert rest == cowsay_options.usage_lines(PROGRAMS[think]) or (
            rest.count("\n") == 1 and "-n keeps stdin's lines" in rest
        ), (argv, answer)
        return
    if PERL_THREE in expected.stdout and "-W" in answer.stderr:  # Perl cannot wrap there
        assert (
            code == 2
            and answer.stdout == b""
            and answer.stderr.count("\n") == 1 + len(warnings.splitlines())
        )
        return
    assert answer.stdout == expected.stdout, (argv, stdin)
    assert as_perl_names_it(answer, think) == as_documented(expected.stderr), (argv, stdin)
    assert code == (2 if expected.died else 0), (argv, stdin)


# ---- every cow, every mode ------------------------------------------------------------------

MESSAGE = "Hello fellow Rustaceans! The quick brown fox jumps over the lazy dog, twice."


#: Every mode of every cow asks Perl about twenty times a cow: `make test` does it for these, and
#: draws every other cow once (below); `make test-slow` runs every cow in every mode.
QUICK_COWS = {"default", "three-eyes"}


@needs("cowsay")
@pytest.mark.parametrize(
    "cow", sample(debian_cows(), lambda cow: cow.stem in QUICK_COWS), ids=lambda path: path.stem
)
def test_every_cow_in_every_mode(perl: PerlCowsay, cow: Path) -> None:
    for think in (False, True):
        for mode in ("", *MODE_LETTERS):
            flags = [f"-{mode}"] if mode else []
            assert_same(perl, ["-f", cow.stem, *flags, MESSAGE], think=think)
        assert_same(perl, ["-f", str(cow), "-e", "^^", "-T", "U"], MESSAGE.encode(), think)


@needs("cowsay")
def test_every_cow_draws_as_cowsay_draws_it(perl: PerlCowsay) -> None:
    """Each of Debian's cows once, as cowsay draws it by default: what `make test` reads of the
    cows the test above leaves to `make test-slow`."""
    cows = debian_cows()
    assert cows, "no .cow files: the marker should have skipped this test"
    for cow in cows:
        assert_same(perl, ["-f", cow.stem, MESSAGE])


@needs("cowsay")
def test_the_cast_is_debians_whole_cast() -> None:
    # A new file in a future Debian release must be read too, not skipped.
    names = {path.stem for path in debian_cows()}
    assert {"default", "three-eyes", "calvin", "mech-and-cow", "sheep", "snowman"} <= names


# ---- messages: what a wrap turns on -----------------------------------------------------------


def not_wide(char: str) -> bool:
    return not perl_text.is_wide(char)


letters = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789"), min_size=1)
PIECES = [
    " ", "  ", "   ", "\t", " \t ", "\n", "\n\n", "\n \n", " \n", "\n ", "\n\t", "\r\n", "\r",
    "\x0b", "\x0c", "\xa0", "\x85", "\u2003", "\u2028", "\x1b[31m", "\x1b[0m", "\x1b[1;32m",
    "\x1b[", "\x1b[m", "\x1b[٣m", "\x01", "\x7f", "é", "e\u0301", "a\u0308\u0323", "ß", "Ω",
    "Ж", "—", "…", "\u200b", "\u00ad", "-", "--", ".", "!", "'", '"', "\\", "$", "@", "%s", "0",
]  # fmt: skip
other_char = st.characters(
    exclude_categories=["Cs", "Mn", "Mc", "Me"], exclude_characters="\0"
).filter(not_wide)
piece = st.one_of(
    st.sampled_from(PIECES),
    letters.filter(lambda word: len(word) <= 12),
    st.text(st.sampled_from("xyz"), min_size=20, max_size=120),  # longer than most columns
    other_char,
)
message = st.lists(piece, max_size=40).map("".join)
columns = st.integers(min_value=2, max_value=100)
face = st.none() | st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"),
                           max_size=3)  # fmt: skip


def option_args(
    cols: int | None, modes: str, eyes: str | None, tongue: str | None, cow: str | None
) -> list[str]:
    args = [f"-{letter}" for letter in modes]
    if eyes is not None:
        args += ["-e", eyes]
    if tongue is not None:
        args += [f"-T{tongue}"] if tongue and not tongue.startswith("-") else ["-T", tongue]
    if cols is not None:
        args += [f"-W{cols}"] if cols % 2 else ["-W", str(cols)]
    if cow is not None:
        args += ["-f", cow]
    return args


cow_names = st.sampled_from([path.stem for path in debian_cows()] + [str(DEBIAN_COWS / "tux.cow")])


@needs("cowsay")
@perl_cases(400)
@given(
    text=message,
    cols=st.none() | columns,
    modes=st.text(st.sampled_from(MODE_LETTERS), max_size=3),
    eyes=face,
    tongue=face,
    cow=st.none() | cow_names,
    think=st.booleans(),
)
@example(text="hi ", cols=None, modes="", eyes=None, tongue=None, cow=None, think=False)
@example(text=" aaaa bbbb", cols=5, modes="", eyes=None, tongue=None, cow=None, think=False)
@example(text="a\n\n b\n", cols=2, modes="", eyes=None, tongue=None, cow=None, think=False)
def test_stdin_at_any_column(
    perl: PerlCowsay,
    text: str,
    cols: int | None,
    modes: str,
    eyes: str | None,
    tongue: str | None,
    cow: str | None,
    think: bool,
) -> None:
    argv = option_args(cols, modes, eyes, tongue, cow)
    assert_same(perl, argv, text.encode("utf-8"), think)


@needs("cowsay")
@perl_cases(300)
@given(
    words=st.lists(message.filter(lambda word: "\0" not in word), min_size=1, max_size=5),
    cols=st.none() | columns,
    modes=st.text(st.sampled_from(MODE_LETTERS), max_size=2),
    end_of_options=st.booleans(),
    think=st.booleans(),
)
def test_words_at_any_column(
    perl: PerlCowsay,
    words: list[str],
    cols: int | None,
    modes: str,
    end_of_options: bool,
    think: bool,
) -> None:
    # Perl reads stdin when the first word after the options is "" or "0" (a documented
    # difference, tested below); a leading "--" ends the options unless one was given before.
    first = 1 if words[0] == "--" and not end_of_options and len(words) > 1 else 0
    if words[first] in ("", "0"):
        words[first] = "w" + words[first]
    argv = option_args(cols, modes, None, None, None) + (["--"] if end_of_options else [])
    assert_same(perl, argv + words, think=think)


@needs("cowsay")
@perl_cases(200)
@given(text=message | st.text(max_size=60).filter(lambda t: "\0" not in t), think=st.booleans())
@example(text="a\tb\n  c\td\n\n\te\n", think=False)
@example(text="\x1b[31mred\x1b[0m\nhello\n", think=True)
def test_n_keeps_the_lines_and_expands_tabs(perl: PerlCowsay, text: str, think: bool) -> None:
    assume_no_surrogates(text)
    assert_same(perl, ["-n"], text.encode("utf-8"), think)


def assume_no_surrogates(text: str) -> None:
    from hypothesis import assume

    assume(not any("\ud800" <= char <= "\udfff" for char in text))


# ---- the command line, as Getopt::Std reads it -------------------------------------------------

option_token = st.one_of(
    st.sampled_from(
        [
            "-b",
            "-d",
            "-g",
            "-p",
            "-s",
            "-t",
            "-w",
            "-y",
            "-L",
            "-N",
            "-:",
            "--",
            "-x",
            "-Z",
            "-?",
            "--foo",
            "-",
            "-bdx",
            "-nW",
            "-ye",
        ]
    ),
    st.builds(
        lambda letters: "-" + letters,
        st.text(st.sampled_from("bdgpstwyLNqz:"), min_size=1, max_size=4),
    ),
    st.sampled_from(["-e", "-T", "-W", "-f"]).flatmap(
        lambda option: st.sampled_from(
            {
                "-e": ["^^", "x", "", "-b"],
                "-T": ["U", "", "--"],
                "-W": ["30", "7"],
                "-f": ["tux", "default", "daemon"],
            }[option]
        ).map(lambda value: [option + value] if value and option != "-f" else [option, value])
    ),
)


@needs("cowsay")
@perl_cases(300)
@given(
    tokens=st.lists(option_token, max_size=6),
    words=st.lists(letters.filter(lambda word: word != "0"), max_size=3),
    think=st.booleans(),
)
def test_the_command_line_as_getopts_reads_it(
    perl: PerlCowsay, tokens: list[str | list[str]], words: list[str], think: bool
) -> None:
    argv: list[str] = []
    for token in tokens:
        argv += token if isinstance(token, list) else [token]
    argv += words
    # An option that takes the next argument can leave "" as the first word: Perl reads stdin
    # then, where a first word "" is said here (a documented difference, tested below).
    said = getopts(cowsay_options.SPEC, argv).words
    assume(not said or said[0] not in ("", "0"))
    # -n with words draws cowsay's usage; no words reads stdin: give it one line.
    assert_same(perl, argv, b"from stdin\n", think)


@needs("cowsay")
def test_getopts_spec_is_cowsays() -> None:
    """The option table reads as the spec the script hands getopts."""
    source = COWSAY.read_text(encoding="utf-8")
    match = re.search(r"getopts\('([^']*)', \\%opts\)", source)
    assert match is not None
    assert match.group(1) == cowsay_options.SPEC


# ---- the oracle driver is the script ------------------------------------------------------------


@needs("cowsay")
@perl_cases(15)
@given(
    argv=st.lists(
        st.sampled_from(["-b", "-W", "12", "-n", "-f", "tux", "hi", "--", "-x", "a b"]), max_size=5
    ),
    stdin=message.map(lambda text: text.encode("utf-8")),
    think=st.booleans(),
)
def test_the_driver_is_the_script(
    perl: PerlCowsay, argv: list[str], stdin: bytes, think: bool
) -> None:
    driven = perl.run(argv, stdin, think)
    process = run_script(argv, stdin, think)
    assert driven.stdout == process.stdout
    assert driven.stderr == process.stderr.decode("utf-8")


# ---- the real commands: messages and exit codes -------------------------------------------------


def command(
    program: str, *args: str, stdin: bytes | None = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="ferris-cowsay-") as scratch:
        return run_command.command(
            [program, *args], cwd=scratch, env={**CLEAN_ENV, **(env or {})}, input=stdin
        )


@needs("cowsay")
@pytest.mark.parametrize(
    "args",
    [["hello", "there"], ["-f", "tux", "-x", "hi"], ["-bdW12", "the quick brown fox"], []],
)
@pytest.mark.parametrize("think", [False, True])
def test_the_commands_print_what_cowsay_prints(args: list[str], think: bool) -> None:
    done = command(FERRIS_COWTHINK if think else FERRIS_COWSAY, *args, stdin=b"from\tstdin\n")
    perl = run_script(args, b"from\tstdin\n", think)
    assert (done.returncode, done.stdout, done.stderr) == (0, perl.stdout, perl.stderr)


@needs("cowsay")
@pytest.mark.parametrize("think", [False, True])
def test_an_unknown_cow_is_cowsays_line_and_status(think: bool) -> None:
    program, name = (
        (FERRIS_COWTHINK, "ferris-cowthink") if think else (FERRIS_COWSAY, "ferris-cowsay")
    )
    done = command(program, "-f", "nosuch", "hi")
    perl = run_script(["-f", "nosuch", "hi"], think=think)
    assert done.returncode == perl.returncode == 2
    assert done.stdout == perl.stdout == b""
    assert done.stderr == f"{name}: Could not find nosuch cowfile!\n".encode()
    assert perl.stderr.decode().replace("cow", "ferris-cow", 1) == done.stderr.decode()


@needs("cowsay")
def test_h_prints_the_usage_on_stderr_with_cowsays_status() -> None:
    done = command(FERRIS_COWSAY, "-h")
    assert done.returncode == run_script(["-h"]).returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == cowsay_options.usage_lines("ferris-cowsay")
    assert "Usage: ferris-cowsay [-bdgpstwy] [-h]" in done.stderr.decode()


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["-n", "words"], "-n keeps stdin's lines as they are"),
        (["-W", "1", "x"], "-W wants a whole number of columns from 2"),
        (["-W", "abc", "x"], "not 'abc'"),
        (["-W", "9" * 30, "x"], "-W wants a whole number"),
        (["-W"], "not ''"),
        (["--random", "-f", "tux", "x"], "give --random or -f, not both"),
    ],
)
def test_usage_errors_are_one_line_and_2(args: list[str], why: str) -> None:
    done = command(FERRIS_COWSAY, *args)
    assert done.returncode == 2, done
    assert done.stdout == b""
    line = done.stderr.decode()
    assert line.count("\n") == 1 and line.startswith("ferris-cowsay: ") and why in line, line


def test_help_and_version_go_to_stdout() -> None:
    for program, name in ((FERRIS_COWSAY, "ferris-cowsay"), (FERRIS_COWTHINK, "ferris-cowthink")):
        done = command(program, "--help")
        assert done.returncode == 0 and done.stderr == b""
        assert done.stdout.decode().startswith(f"Usage: {name} [OPTIONS] [MESSAGE]...\n")
        for option in cowsay_options.OPTIONS:
            assert f"  {option.name}" in done.stdout.decode()
        version = command(program, "--version")
        assert version.stdout.decode().startswith(f"{name} ") and version.returncode == 0


@needs("cowsay")
def test_l_lists_what_cowsay_lists_then_the_builtin_cows_it_lacks(tmp_path: Path) -> None:
    done = command(FERRIS_COWSAY, "-l")
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout == run_script(["-l"]).stdout  # this machine has cowsay's default cow
    (tmp_path / "mine.cow").write_text('$the_cow = "x\\n";\n', encoding="utf-8")
    env = {"COWPATH": str(tmp_path)}
    with_cowpath = command(FERRIS_COWSAY, "-l", env=env)
    perl = run_script(["-l"]).stdout
    assert with_cowpath.stdout.decode().startswith(f"Cow files in {tmp_path}:\nmine\n")
    assert with_cowpath.stdout.endswith(perl)
    missing = command(FERRIS_COWSAY, "-l", env={"COWPATH": "/nonexistent"})
    assert missing.returncode == 2
    assert missing.stdout == b"Cow files in /nonexistent:\n"
    assert missing.stderr.decode().startswith("ferris-cowsay: Cannot open '/nonexistent'")


# ---- documented differences -------------------------------------------------------------------


def test_a_first_word_0_or_empty_is_said() -> None:
    # Perl tests `$ARGV[0]` for truth, so `cowsay 0` reads stdin: here 0 is a word.
    for words in (["0"], ["", "x"]):
        code, answer = ours(words, b"from stdin\n")
        assert code == 0
        assert answer.stdout.decode().splitlines()[1] == f"< {' '.join(words)} >"


@needs("cowsay")
def test_a_path_that_is_no_file_is_an_error(perl: PerlCowsay) -> None:
    # Perl's `do` of a missing file runs nothing: the bubble alone, status 0.
    assert perl.run(["-f", "/nonexistent/x.cow", "hi"]).stdout == b" ____\n< hi >\n ----\n"
    code, answer = ours(["-f", "/nonexistent/x.cow", "hi"])
    assert code == 2 and answer.stdout == b""
    assert answer.stderr == ("ferris-cowsay: -f '/nonexistent/x.cow': does not exist\n")


def test_a_mark_starting_a_paragraph_is_drawn() -> None:
    # Perl's Text::Wrap dies there ("This shouldn't happen"); the mark is a unit of its own.
    code, answer = ours(["\u0301x"])
    assert code == 0 and "\u0301x" in answer.stdout.decode()


def test_no_words_and_stdin_a_terminal_is_a_usage_error() -> None:
    main, other = pty.openpty()
    try:
        done = subprocess.run(
            [FERRIS_COWSAY], stdin=other, capture_output=True, env=CLEAN_ENV, timeout=60
        )
    finally:
        os.close(main)
        os.close(other)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode() == (
        "ferris-cowsay: nothing to say: give words, or pipe text in (see ferris-cowsay --help)\n"
    )


def display_width(text: str) -> int:
    """Columns on a terminal, measured apart from the code under test."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


wide_word = st.text(st.sampled_from("日本語の言葉世界ｶﾞ한국어😀🦀ab"), min_size=1, max_size=25)


@perl_cases(150)
@given(words=st.lists(wide_word, min_size=1, max_size=12), cols=columns, think=st.booleans())
def test_wide_characters_wrap_by_columns(words: list[str], cols: int, think: bool) -> None:
    code, answer = ours(["-W", str(cols), " ".join(words)], think=think)
    assert code == 0
    lines = answer.stdout.decode().split("\n")
    count = next(index for index, line in enumerate(lines) if line.startswith(" -"))
    bubble = lines[: count + 1]
    texts = [line[2:-2].rstrip(" ") for line in bubble[1:-1]]
    for text in texts:  # within the column, unless one character is wider than it alone
        assert display_width(text) <= cols - 1 or len(text) == 1, (text, cols)
    widths = {display_width(line) for line in bubble[1:-1]}
    assert widths == {display_width(bubble[0]) + 1}, bubble  # borders aligned
    assert "".join(texts).replace(" ", "") == "".join(words).replace(" ", "")


# ---- the built-in cast ------------------------------------------------------------------------


@needs("cowsay")
@pytest.mark.parametrize("thoughts", ["\\", "o"])
@pytest.mark.parametrize("mode", ["", *MODE_LETTERS])
def test_the_builtin_default_is_debians_default(thoughts: str, mode: str) -> None:
    from ferris_says.cowsay_bubble import face

    builtin = cowsay_cast.builtin_cow("default")
    debian = load_cow_file(str(DEBIAN_COWS / "default.cow"))
    assert builtin is not None
    for eyes, tongue in ((None, None), ("^^", "U"), ("é", ""), ("@@@", "  x")):
        drawn = face(eyes, tongue, mode)
        assert builtin.draw(thoughts, *drawn) == debian.draw(thoughts, *drawn)


@needs("cowsay")
def test_without_cowsays_directories_the_builtin_default_draws_the_same() -> None:
    code = (
        "import sys\n"
        "from ferris_says import cowpath, cowsay_cli\n"
        "cowpath.DEFAULT_DIRS = ()\n"
        "sys.exit(cowsay_cli.main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "-d", "no cowsay here"],
        capture_output=True,
        env=CLEAN_ENV,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == run_script(["-d", "no cowsay here"]).stdout
    listed = subprocess.run(
        [sys.executable, "-c", code, "-l"], capture_output=True, env=CLEAN_ENV, timeout=60
    )
    assert listed.stdout == b"Cows built into ferris-cowsay:\ndefault\n"


def test_names_are_found_in_cowpath_before_cowsays_directories(tmp_path: Path) -> None:
    (tmp_path / "tux.cow").write_text('$the_cow = "my own tux\\n";\n', encoding="utf-8")
    done = command(FERRIS_COWSAY, "-f", "tux", "hi", env={"COWPATH": str(tmp_path)})
    assert done.stdout.endswith(b" ----\nmy own tux\n")
    assert cowpath.cowpath_dirs()[-len(cowpath.DEFAULT_DIRS) :] == list(cowpath.DEFAULT_DIRS)


# ---- hostile values on every input surface ------------------------------------------------------

ERROR_LINE_MAX = 4096 + 64  # streams.one_line's cut, the program's name and the cut's note


def hostile_values(tmp_path: Path) -> dict[str, str]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    directory = tmp_path / "directory"
    directory.mkdir(exist_ok=True)
    return {
        "NUL": "a\0b",
        "lone surrogate": "\ud800",
        "non-UTF-8 byte": "\udcff",  # how argv and the environment carry byte 0xff
        "1 MiB": "x" * (1 << 20),
        "FIFO": str(fifo),
        "/dev/zero": "/dev/zero",
        "directory": str(directory),
        "empty": "",
    }


def assert_one_bounded_line(code: int, answer: Answer, what: str) -> None:
    assert code in (0, 1, 2), (what, code)
    lines = answer.stderr.splitlines()
    assert len(lines) <= 1, (what, answer.stderr[:300])
    assert all(len(line) <= ERROR_LINE_MAX for line in lines), what
    assert "Traceback" not in answer.stderr and "unexpected" not in answer.stderr, what
    assert (code == 0) == (answer.stderr == ""), what
    # Nothing on stdout after an error, but -l's heading of the directory it cannot open.
    listed = answer.stdout.startswith(b"Cow files in ") and "Cannot open" in answer.stderr
    assert code == 0 or answer.stdout == b"" or listed, what


VALUE_OPTIONS = [option.name for option in cowsay_options.OPTIONS if option.metavar]


@pytest.mark.parametrize("think", [False, True])
def test_every_option_and_the_words_take_hostile_values(tmp_path: Path, think: bool) -> None:
    for name, value in hostile_values(tmp_path).items():
        for surface in [*VALUE_OPTIONS, "words", "first word", "stdin"]:
            if surface == "stdin":
                stdin = value.encode("utf-8", "surrogatepass")
                code, answer = ours(["-n"], stdin, think)
            elif surface.startswith("-"):
                code, answer = ours([surface, value, "hi"], think=think)
            else:
                words = [value] if surface == "first word" else ["hi", value]
                code, answer = ours(["--", *words], think=think)
            assert_one_bounded_line(code, answer, f"{surface} = {name}")


@pytest.mark.parametrize("variable", [name for name, _ in cowsay_options.ENVIRONMENT])
def test_every_variable_takes_hostile_values(tmp_path: Path, variable: str) -> None:
    for name, value in hostile_values(tmp_path).items():
        if name in ("NUL", "lone surrogate"):
            with pytest.raises(ValueError):  # no environment can carry them to a process
                os.environ[variable] = value
            continue
        os.environ[variable] = value
        try:
            for args in (["--random", "--aurora", "hi"], ["-l"], ["-f", "tux", "hi"]):
                code, answer = ours(args)
                assert_one_bounded_line(code, answer, f"{variable} = {name}, {args}")
        finally:
            del os.environ[variable]


def test_bytes_that_are_not_utf8_through_a_real_process(tmp_path: Path) -> None:
    program = os.fsencode(FERRIS_COWSAY)
    for args in ([b"-f", b"\xff.cow", b"x"], [b"-e", b"\xff", b"x"], [b"\xe9t\xe9"]):
        done = subprocess.run([program, *args], capture_output=True, env=CLEAN_ENV, timeout=60)
        assert done.returncode == 2 and done.stdout == b"", done
        assert done.stderr.count(b"\n") == 1 and b"not valid UTF-8" in done.stderr, done
    env = {**CLEAN_ENV, "COWPATH": str(tmp_path), "FERRIS_SAYS_SEED": "\udcff"}
    (tmp_path / "\udcff.cow").write_text('$the_cow = "<x>\\n";\n', encoding="utf-8")
    listed = subprocess.run([FERRIS_COWSAY, "-l"], capture_output=True, env=env, timeout=60)
    assert listed.returncode == 0 and listed.stdout.startswith(
        f"Cow files in {tmp_path}:\n\\udcff\n".encode()
    ), listed
    seeded = subprocess.run([FERRIS_COWSAY, "--random", "x"], capture_output=True, env=env)
    assert seeded.returncode == 0 and seeded.stderr == b""

"""ferris-says against Debian's Perl cowsay 3.03: every .cow file Debian ships, every mode,
say and think, eyes and tongues, byte for byte.

For a one-line text the crate's bubble and cowsay's are the same bytes, so the whole output is
compared. Texts are chosen so that cowsay does not re-wrap them (Text::Wrap at 40 columns, one
space between words) and is not handed "0" (which cowsay reads as no words). Without Debian's
cowsay every test here is skipped, naming `make deps`, and fails under CI=true.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import system_tools
from support.hypothesis_profiles import examples
from support.perl_cowsay import PerlCowsay
from support.run_command import CLEAN_ENV, FERRIS, command
from support.slow import sample
from support.system_tools import needs

from ferris_says import looks
from ferris_says.bubble import bubble_lines, iter_bubble

# ferris-says runs outside the checkout: in its root, ./fake_temp/ would take the messages.
OUTSIDE = tempfile.gettempdir()

pytestmark = needs("cowsay")

COWSAY = Path(system_tools.COWSAY)
COWTHINK = Path(system_tools.COWTHINK)
DEBIAN_COWS = Path(system_tools.DEBIAN_COWS)
# cowsay decodes its arguments and writes UTF-8 only under a UTF-8 locale.
ORACLE_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
# cowsay's own letters: -w is wired there (ferris-says' -w is --width).
COWSAY_MODE_LETTERS = {name: letter for letter, name in looks.MODE_LETTERS.items()}
COWSAY_MODE_LETTERS["wired"] = "w"
WORDS = "Hello fellow Rustaceans!"


def debian_cows() -> list[Path]:
    """Debian's .cow files; none without the package, whose tests `needs` then skips."""
    cows = sorted(DEBIAN_COWS.glob("*.cow"))
    assert not cows or len(cows) >= 40, cows
    return cows


@pytest.fixture(scope="module")
def perl() -> Iterator[PerlCowsay]:
    """Debian's cowsay script, run by one Perl that forks per request (tests/perl_cowsay.py):
    a request costs a few milliseconds where a process costs forty."""
    oracle = PerlCowsay()
    yield oracle
    oracle.close()


def cowsay(
    perl: PerlCowsay, cow: Path, words: str, think: bool = False, options: tuple[str, ...] = ()
) -> bytes:
    answer = perl.run(["-f", str(cow), *options, words], think=think)
    assert not answer.died, answer
    return answer.stdout


def cowsay_options(eyes: str | None, tongue: str | None, mode: str | None) -> tuple[str, ...]:
    options: list[str] = []
    if eyes is not None:
        options += ["-e", eyes]
    if tongue is not None:
        options += ["-T", tongue]
    if mode is not None:
        options.append(f"-{COWSAY_MODE_LETTERS[mode]}")
    return tuple(options)


def drawn(look: looks.Look, words: str) -> bytes:
    """The picture ferris-says' library draws for `look` (what the command writes)."""
    drawing = looks.draw(look)
    bubble = "".join(iter_bubble(bubble_lines(words), drawing.borders))
    return (bubble + drawing.mascot).encode("utf-8")


#: `make test` draws these in every mode; `make test-slow` every other cow (tests/
#: test_cowsay_dropin.py draws every cow once in `make test`).
QUICK_COWS = {"default", "three-eyes"}


@pytest.mark.parametrize("think", [False, True], ids=["say", "think"])
@pytest.mark.parametrize("mode", [None, *looks.MODES])
@pytest.mark.parametrize(
    "cow", sample(debian_cows(), lambda cow: cow.stem in QUICK_COWS), ids=lambda path: path.stem
)
def test_every_debian_cow_in_every_mode(
    perl: PerlCowsay, cow: Path, mode: str | None, think: bool
) -> None:
    look = looks.Look(character=str(cow), think=think, mode=mode)
    expected = cowsay(perl, cow, WORDS, think, cowsay_options(None, None, mode))
    assert drawn(look, WORDS) == expected


def test_the_cast_is_debians_whole_cast() -> None:
    # A new file in a future Debian release must be read too, not skipped.
    names = {path.stem for path in debian_cows()}
    assert {"default", "three-eyes", "calvin", "mech-and-cow", "sheep", "snowman"} <= names


# Eyes and tongues of 0 to 3 characters, any Unicode a command line can carry.
face_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=3)
# Words neither tool re-wraps: ASCII words, one space apart, under cowsay's 40 columns.
word = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!?.,'"),
    min_size=1,
    max_size=9,
)
one_line_words = (
    st.lists(word, min_size=1, max_size=4)
    .map(" ".join)
    .filter(lambda words: len(words) < 40 and words != "0")
)


def ferris_options(
    eyes: str | None, tongue: str | None, mode: str | None, letter: bool, think: bool
) -> list[str]:
    options = ["--think"] if think else []
    if eyes is not None:
        options += ["-e", eyes]
    if tongue is not None:
        options += ["--tongue", tongue]
    if mode is not None:
        use_letter = letter and mode in COWSAY_MODE_LETTERS and mode != "wired"
        options += [f"-{COWSAY_MODE_LETTERS[mode]}"] if use_letter else ["--mode", mode]
    return options


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cow=st.sampled_from(debian_cows()),
    think=st.booleans(),
    eyes=st.none() | face_text,
    tongue=st.none() | face_text,
    mode=st.none() | st.sampled_from(list(looks.MODES)),
    letter=st.booleans(),
    words=one_line_words,
)
def test_the_command_prints_what_cowsay_prints(
    perl: PerlCowsay,
    cow: Path,
    think: bool,
    eyes: str | None,
    tongue: str | None,
    mode: str | None,
    letter: bool,
    words: str,
) -> None:
    options = ferris_options(eyes, tongue, mode, letter, think)
    done = command(
        [FERRIS, "--color", "never", "--character", str(cow), *options, "--", words],
        cwd=OUTSIDE,
        input=None,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    assert done.stdout == cowsay(perl, cow, words, think, cowsay_options(eyes, tongue, mode))


@settings(max_examples=examples(25), deadline=None)
@given(cow=st.sampled_from(debian_cows()), words=one_line_words, think=st.booleans())
def test_names_in_cowpath_draw_as_cowsay_draws_them(
    perl: PerlCowsay, cow: Path, words: str, think: bool
) -> None:
    env = {**CLEAN_ENV, "COWPATH": f"/nonexistent{os.pathsep}{cow.parent}"}
    program = [FERRIS, "--think"] if think else [FERRIS]
    argv = [*program, "--color", "never", "-c", cow.stem, "--", words]
    done = command(argv, cwd=OUTSIDE, env=env, input=None)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == cowsay(perl, cow, words, think)


def test_ferris_thinks_is_cowthink_for_a_cow_file(perl: PerlCowsay) -> None:
    cow = DEBIAN_COWS / "default.cow"
    thinks = Path(FERRIS).with_name("ferris-thinks")
    done = command(
        [str(thinks), "--color", "never", "-c", str(cow), "-y", "young", "thoughts"],
        cwd=OUTSIDE,
        input=None,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == cowsay(perl, cow, "young thoughts", True, ("-y",))

"""The cast: Ferris and Clippy as the crate draws them, cowsay's characters under our bubble."""

from __future__ import annotations

import subprocess
import sys

import cowsay
import pytest
from support.crate_pictures import CRATE_CLIPPY, CRATE_FERRIS

from ferris_says import characters, say
from ferris_says.characters import UnknownCharacterError, character_names, mascot
from ferris_says.errors import FerrisUsageError

COWSAY_NAMES = list(cowsay.char_names)


def test_ferris_is_the_crates_mascot() -> None:
    assert mascot("ferris") == CRATE_FERRIS
    assert characters.FERRIS == CRATE_FERRIS


def test_clippy_is_the_crates_alternate_mascot() -> None:
    assert mascot("clippy") == CRATE_CLIPPY
    assert characters.CLIPPY == CRATE_CLIPPY


def test_clippy_under_the_bubble() -> None:
    assert say("hi", 2, "clippy") == " ____\n< hi >\n ----" + CRATE_CLIPPY


def test_names_ferris_and_clippy_first_then_cowsay() -> None:
    names = character_names()
    assert names[:2] == ["ferris", "clippy"]
    assert names[2:] == COWSAY_NAMES
    assert len(names) == len(set(names))
    assert len(COWSAY_NAMES) >= 19  # cowsay 6.x has at least these


@pytest.mark.parametrize("name", COWSAY_NAMES)
def test_every_cowsay_character_meets_the_bubble_like_ferris(name: str) -> None:
    art = mascot(name)
    assert art.startswith("\n") and art.endswith("\n")
    lines = art[1:-1].split("\n")
    # No blank lines, no trailing whitespace, no tabs: what you see is what the bytes are.
    assert all(line and line == line.rstrip() for line in lines), lines
    assert "\t" not in art
    # The tail begins on the first line under the bottom border, in Ferris's column, and goes
    # down and to the right one column per line, as Ferris's does.
    tail = []
    for line in lines:
        stripped = line.lstrip(" ")
        if not stripped.startswith("\\"):
            break
        tail.append(len(line) - len(stripped))
    assert len(tail) >= 2
    assert tail == list(range(8, 8 + len(tail)))
    ferris_tail = [len(line) - len(line.lstrip()) for line in CRATE_FERRIS[1:].split("\n")[:2]]
    assert tail[:2] == ferris_tail


@pytest.mark.parametrize("name", COWSAY_NAMES)
def test_every_cowsay_character_keeps_cowsays_picture(name: str) -> None:
    """Our lines are cowsay's own non-empty lines, all moved right by one amount."""
    ours = mascot(name)[1:-1].split("\n")
    theirs = [line.rstrip() for line in cowsay.CHARS[name].split("\n") if line.strip()]
    assert len(ours) == len(theirs)
    shifts = {len(o) - len(t) for o, t in zip(ours, theirs)}
    assert len(shifts) == 1
    shift = shifts.pop()
    assert shift >= 0
    assert all(o == " " * shift + t for o, t in zip(ours, theirs))


def test_cowsays_own_output_has_the_same_picture() -> None:
    """cowsay draws the cow's lines after its bubble; ours are the same lines, moved."""
    drawn = cowsay.get_output_string("cow", "hi").split("\n")
    cow_lines = [line.strip() for line in drawn[3:]]  # after "  __", "| hi |", "  =="
    ours = [line.strip() for line in mascot("cow")[1:-1].split("\n")]
    assert ours == cow_lines


@pytest.mark.parametrize("name", COWSAY_NAMES)
def test_every_cowsay_character_renders_under_our_bubble(name: str) -> None:
    picture = say("Moo, said the crab", None, name)
    head = " " + "_" * 20 + "\n< Moo, said the crab >\n " + "-" * 20
    assert picture == head + mascot(name)
    lines = picture.split("\n")
    assert lines[3] == "        \\"  # right under the bottom border, like Ferris
    assert lines[4].startswith("         \\")


def test_cow_literally() -> None:
    assert mascot("cow") == (
        "\n"
        "        \\\n"
        "         \\\n"
        "           ^__^\n"
        "           (oo)\\_______\n"
        "           (__)\\       )\\/\\\n"
        "               ||----w |\n"
        "               ||     ||\n"
    )


@pytest.mark.parametrize("bad", ["nope", "Ferris", "", "cow ", "ferris\n"])
def test_unknown_character_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UnknownCharacterError) as caught:
        mascot(bad)
    error = caught.value
    assert isinstance(error, FerrisUsageError)
    assert error.exit_code == 2
    assert error.name == bad
    assert repr(bad) in str(error)
    assert "ferris, clippy, " in str(error)
    assert "\n" not in str(error).replace(repr(bad), "")


def test_unknown_character_suggests_close_names() -> None:
    with pytest.raises(UnknownCharacterError, match=r"did you mean 'ferris'\?"):
        mascot("feris")
    with pytest.raises(UnknownCharacterError, match=r"did you mean 'clippy'\?"):
        mascot("CLIPPY")
    with pytest.raises(UnknownCharacterError) as caught:
        mascot("zzzzzz")
    assert "did you mean" not in str(caught.value)


def test_say_with_an_unknown_character_raises() -> None:
    with pytest.raises(UnknownCharacterError):
        say("hi", None, "nobody")


@pytest.mark.parametrize("name", ["ferris", "clippy"])
def test_ferris_and_clippy_do_not_import_cowsay(name: str) -> None:
    code = (
        "import sys\n"
        "from ferris_says.characters import mascot\n"
        f"mascot({name!r})\n"
        "assert 'cowsay' not in sys.modules, 'cowsay imported'\n"
        "from ferris_says import say\n"
        f"say('hi', None, {name!r})\n"
        "assert 'cowsay' not in sys.modules, 'cowsay imported by say'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_cowsay_character_imports_cowsay_on_demand() -> None:
    code = (
        "import sys\n"
        "from ferris_says.characters import mascot\n"
        "assert 'cowsay' not in sys.modules\n"
        "mascot('tux')\n"
        "assert 'cowsay' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

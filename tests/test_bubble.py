"""The bubble, byte for byte against the Rust crate ferris-says 0.3.2.

tests/golden/ is a copy of ../shared/golden/ (output of the real crate), kept in the repository so
a clone tests itself; `test_golden_copy_is_current` notices when the shared corpus moves on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.crate_pictures import CRATE_FERRIS
from support.system_tools import elsewhere

from ferris_says import iter_say, say
from ferris_says.bubble import bubble_lines, default_width, merge_whitespace, render_bubble
from ferris_says.characters import UnknownCharacterError

GOLDEN = Path(__file__).parent / "golden" / "ferris_says_0.3.2.jsonl"
SHARED_GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "golden" / GOLDEN.name
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]

FERRIS = CRATE_FERRIS


def test_every_golden_case_is_loaded() -> None:
    assert len(CASES) == 495
    assert {case["mode"] for case in CASES} == {"default", "width", "tiny"}


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i}-{c['mode']}-{c['width']}" for i, c in enumerate(CASES)]
)
def test_golden(case: dict[str, Any]) -> None:
    if case["mode"] == "default":
        # The original command passes the words' UTF-8 byte length; so does width=None.
        assert case["width"] == default_width(case["text"])
        assert say(case["text"]) == case["expected"]
    assert say(case["text"], case["width"]) == case["expected"]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i}-{c['mode']}-{c['width']}" for i, c in enumerate(CASES)]
)
def test_golden_in_pieces_one_line_each(case: dict[str, Any]) -> None:
    """The streamed picture: each piece is one line of the golden picture, then the mascot."""
    width = None if case["mode"] == "default" else case["width"]
    pieces = list(iter_say(case["text"], width))
    *bubble, mascot = pieces
    assert "".join(pieces) == case["expected"]
    assert mascot == FERRIS
    picture_lines = case["expected"][: -len(FERRIS)].split("\n")
    assert [piece.rstrip("\n") for piece in bubble] == picture_lines
    assert all(piece.endswith("\n") for piece in bubble[:-1])


def test_iter_say_checks_before_the_first_piece() -> None:
    # Bad arguments fail at the call, so the command can check every text before writing.
    with pytest.raises(ValueError, match="width must be 0 or more"):
        iter_say("hi", -1)
    with pytest.raises(ValueError, match="lone surrogate"):
        iter_say("hi \udcff")
    with pytest.raises(UnknownCharacterError, match="unknown character"):
        iter_say("hi", None, "nobody")


@elsewhere(SHARED_GOLDEN, "the shared golden file beside this clone")
def test_golden_copy_is_current() -> None:
    assert SHARED_GOLDEN.read_bytes() == GOLDEN.read_bytes()


def test_crate_documentation_example() -> None:
    assert say("Hello fellow Rustaceans!", 24) == (
        " __________________________\n"
        "< Hello fellow Rustaceans! >\n"
        " --------------------------" + FERRIS
    )


def test_what_you_want() -> None:
    assert say("what you want") == (
        " _______________\n< what you want >\n ---------------" + FERRIS
    )


def test_empty_text_draws_no_text_lines() -> None:
    assert say("") == " __\n --" + FERRIS
    assert bubble_lines("   ") == []


def test_several_lines_get_slashes_and_bars() -> None:
    assert render_bubble("one two three", 3) == (
        " _____\n/ one \\\n| two |\n| thr |\n\\ ee  /\n -----"
    )


def test_japanese_breaks_between_characters() -> None:
    assert bubble_lines("フェリスが話します", 8) == ["フェリス", "が話しま", "す"]


def test_cjk_counts_two_columns_when_padding() -> None:
    assert render_bubble("日本 ab", 4) == " ______\n/ 日本 \\\n\\ ab   /\n ------"


def test_hyphenated_words_split_after_the_hyphen() -> None:
    assert bubble_lines("a re-entrant lock", 6) == ["a re-", "entran", "t lock"]
    assert bubble_lines("a re-entrant lock", 8) == ["a re-", "entrant", "lock"]


def test_long_words_are_broken() -> None:
    assert bubble_lines("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_whitespace_merging_keeps_line_breaks() -> None:
    assert merge_whitespace("a \t\u3000\xa0b\r\n\nc") == "a b\r\n\nc"
    # U+001C..U+001F are Python whitespace but not Unicode White_Space: Rust keeps them.
    assert merge_whitespace("a\x1cb") == "a\x1cb"


def test_crlf_and_blank_lines() -> None:
    assert bubble_lines("one\r\n\r\ntwo", 40) == ["one", "", "two"]


def test_width_zero_acts_on_each_character() -> None:
    assert bubble_lines("ab", 0) == ["a", "b"]


def test_lone_surrogates_and_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="lone surrogate U\\+D800 at index 1"):
        say("a\ud800", 10)
    with pytest.raises(TypeError, match="must be a str"):
        say(b"bytes")  # type: ignore[arg-type]  # the wrong type, on purpose


def test_negative_width_is_refused() -> None:
    with pytest.raises(ValueError):
        render_bubble("x", -1)


def test_clippy_and_ferris_share_the_bubble() -> None:
    text = "hi there"
    assert say(text, character="clippy").startswith(render_bubble(text))
    assert say(text, character="clippy") != say(text)

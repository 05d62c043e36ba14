"""Invariants of every bubble, over generated text (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples

from ferris_says import iter_say, say
from ferris_says.bubble import bubble_lines, merge_whitespace, render_bubble
from ferris_says.char_width import char_width
from ferris_says.str_width import padding_width
from ferris_says.wrap_line import display_width

# Characters that exercise every path: ASCII, hyphens, CJK, kana punctuation, Hangul, emoji with
# modifiers and joiners, combining marks, zero-width and non-breaking spaces, line breaks.
ALPHABET = st.sampled_from(
    list("abcXYZ019 --.,!?'\"()[]/\t\n\r")
    + list("日本語ラクスルパイプ、。「」한국어Привет")
    + ["\u0301", "\u200b", "\u200d", "\xa0", "\u3000", "\xad", "👍", "🏽", "❤", "\ufe0f", "🇯", "🇵"]
)
TEXT = st.text(ALPHABET, max_size=60) | st.text(max_size=30).filter(lambda t: "\x1b" not in t)
WIDTH = st.integers(min_value=0, max_value=50)


def _inner_lines(bubble: str) -> list[str]:
    return bubble.split("\n")[1:-1]


@settings(max_examples=examples(400), deadline=None)
@given(TEXT, WIDTH)
def test_borders_are_inner_width_plus_two(text: str, width: int) -> None:
    bubble = render_bubble(text, width)
    rows = bubble.split("\n")
    top, bottom = rows[0], rows[-1]
    inner = max((padding_width(line) for line in bubble_lines(text, width)), default=0)
    assert top == " " + "_" * (inner + 2)
    assert bottom == " " + "-" * (inner + 2)


@settings(max_examples=examples(400), deadline=None)
@given(TEXT, WIDTH)
def test_every_text_line_has_the_same_width(text: str, width: int) -> None:
    rows = _inner_lines(render_bubble(text, width))
    widths = {padding_width(row[2:-2]) for row in rows}
    assert len(widths) <= 1
    if len(rows) <= 1:
        edges = ["< >"] * len(rows)
    else:
        edges = ["/ \\"] + ["| |"] * (len(rows) - 2) + ["\\ /"]
    assert [row[0] + row[1] + row[-1] for row in rows] == [e[0] + " " + e[2] for e in edges]


@settings(max_examples=examples(400), deadline=None)
@given(TEXT, WIDTH)
def test_words_come_back_in_order(text: str, width: int) -> None:
    said = "".join(bubble_lines(text, width))
    assert re.sub(r"\s", "", said) == re.sub(r"\s", "", merge_whitespace(text))


@settings(max_examples=examples(400), deadline=None)
@given(TEXT, WIDTH)
def test_no_line_wider_than_width_unless_one_wide_character(text: str, width: int) -> None:
    for line in bubble_lines(text, width):
        if display_width(line) > max(width, 1):
            visible = [ch for ch in line if char_width(ch) > 0]
            assert len(visible) == 1, (line, width)


@settings(max_examples=examples(200), deadline=None)
@given(st.text(st.sampled_from("ab -\u3000\t\xa0"), max_size=40))
def test_merged_whitespace_is_single_spaces(text: str) -> None:
    merged = merge_whitespace(text)
    assert "  " not in merged and "\t" not in merged and "\u3000" not in merged


@settings(max_examples=examples(300), deadline=None)
@given(TEXT, st.none() | WIDTH, st.sampled_from(["ferris", "clippy", "tux"]))
def test_pieces_join_to_say_one_line_each(text: str, width: int, character: str) -> None:
    pieces = list(iter_say(text, width, character))
    assert "".join(pieces) == say(text, width, character)
    assert all(piece.count("\n") == 1 and piece.endswith("\n") for piece in pieces[:-2])
    assert "\n" not in pieces[-2]  # the bottom border; the mascot brings the newline

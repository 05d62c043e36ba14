"""The one-line shortcut of `wrap.fill` against the full optimal-fit search it skips.

textwrap takes a line whole only when its UTF-8 byte length is *below* the width; ferris-says
also takes it whole when the length *equals* the width (the default path: width = byte length),
which `wrap.fits_in_utf8` proves gives the same line. These tests run the full search
(`wrap_line.wrap_line`) on the same lines at, below and above that boundary and on every golden
case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples

from ferris_says.bubble import merge_whitespace
from ferris_says.char_width import char_width
from ferris_says.wrap import fill, fits_in_utf8, wrap
from ferris_says.wrap_line import display_width, wrap_line

GOLDEN = Path(__file__).parent / "golden" / "ferris_says_0.3.2.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]

# Pieces that stress what the layout and the widths know about: CJK, emoji sequences (ZWJ,
# VS16, skin tones, flags, keycaps, tags), combining and zero-width marks, controls, ANSI
# escapes, hyphens and soft hyphens, non-breaking and ideographic spaces, CR.
PIECES = [
    "a", "w", "word", "state-of-the-art", "well-known", "-", "--", "a-", "-a", "\xad", "co\xadop",
    "こんにちは", "世界", "日本語の文", "。", "「", "」",
    "👍", "👍🏽", "👨\u200d👩\u200d👧", "❤\ufe0f",
    "1\ufe0f\u20e3", "🇯🇵", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "e\u0301", "\u200b", "\u200d", "\u2060", "\x00", "\x07", "\x1b", "\x7f", "\x85",
    "\x1b[31m", "\x1b[0m", "\x1b]8;;http://x\x07", "\x1b]0;t\x1b\\", "\x1b[", "\r", "\t",
    "\xa0", "\u3000", " ", "  ", "(", ")", "!", "?", "/", "1", "2024", "€", "ﾊﾝｶｸ", "\ufeff",
]  # fmt: skip

line_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=14).map("".join)
one_line = line_text.map(lambda text: text.replace("\n", " "))


def byte_length(text: str) -> int:
    return len(text.encode("utf-8"))


def textwrap_wrap(text: str, width: int) -> list[str]:
    """textwrap's own wrap: only lines strictly shorter than the width skip the search."""
    lines: list[str] = []
    for line in text.split("\n"):
        if byte_length(line) < width:
            lines.append(line.rstrip(" "))
        else:
            lines.extend(wrap_line(line, width))
    return lines


@pytest.mark.slow  # every code point, 1.1 million of them: seconds
def test_no_character_is_wider_than_its_utf8_encoding() -> None:
    # The premise of the proof: a fragment's columns never exceed its bytes.
    for code_point in range(0x110000):
        if 0xD800 <= code_point < 0xE000:
            continue
        ch = chr(code_point)
        assert char_width(ch) <= len(ch.encode("utf-8")), hex(code_point)


@settings(max_examples=examples(600), deadline=None)
@given(one_line, st.integers(0, 3))
@example("a", 0)
@example(" ", 0)
@example("", 0)
@example("a  ", 0)
@example(" a", 0)
@example("a-b", 0)
@example("\x1b[31mred\x1b[0m ", 0)
def test_full_search_keeps_a_line_that_fits_whole(line: str, extra: int) -> None:
    """At width = byte length (and just above), the search returns the line, trimmed."""
    for text in (line, merge_whitespace(line)):
        width = byte_length(text) + extra
        assert fits_in_utf8(text, width)
        assert wrap_line(text, width) == [text.rstrip(" ")]
        assert fill(text, width) == text.rstrip(" ")


@settings(max_examples=examples(600), deadline=None)
@given(line_text)
def test_wrap_matches_textwrap_around_the_boundary(text: str) -> None:
    """Widths at, one below and one above the byte length and the display width."""
    text = merge_whitespace(text)
    widths: set[int] = set()
    for line in text.split("\n"):
        for size in (byte_length(line), display_width(line)):
            widths.update((size - 1, size, size + 1))
    widths.update((byte_length(text) - 1, byte_length(text), byte_length(text) + 1))
    for width in sorted(w for w in widths if w >= 0):
        expected = textwrap_wrap(text, width)
        assert wrap(text, width) == expected, width
        assert fill(text, width) == "\n".join(expected), width


@given(one_line)
def test_shortcut_is_taken_only_within_the_byte_length(line: str) -> None:
    width = byte_length(line)
    assert fits_in_utf8(line, width)
    assert not fits_in_utf8(line + "x", width)
    if width:
        assert not fits_in_utf8(line, width - 1)


@pytest.mark.parametrize("index", range(len(CASES)))
def test_golden_texts_wrap_as_textwrap_does(index: int) -> None:
    case = CASES[index]
    text = merge_whitespace(case["text"])
    for width in {case["width"], byte_length(text), byte_length(text) - 1}:
        if width >= 0:
            assert wrap(text, width) == textwrap_wrap(text, width)

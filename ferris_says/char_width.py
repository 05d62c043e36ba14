"""Character widths as textwrap 0.16.2 measures words: unicode-width 0.2.1, one char at a time.

``UnicodeWidthChar::width(c).unwrap_or(0)``: control characters count 0 and no sequence (emoji
ZWJ, VS16, flags...) is recognised. That is `char_width` / `text_width`. ferris-says pads with
another measure, unicode-width 0.1.14's whole-string width: `str_width.padding_width`. The two
disagree on single characters too (261 code points): Unicode 16 made the I Ching and Tai Xuan
Jing symbols and counting rods wide, turned a few viramas into zero-width marks, and added new
characters, so a word can measure 2 for wrapping and 1 for padding.

The per-code-point data lives in `_width_tables`, dumped from the crates' own lookup functions
and turned into Python by `tools/generate_width_tables.py`. It is imported only once a non-ASCII
character is actually measured, so ASCII-only text never pays for it. Widths are cached per
character.
"""

from __future__ import annotations

from bisect import bisect_right

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["char_width", "text_width"]

# Per-character caches stop growing past this many entries (they are then reset), so input made
# of hundreds of thousands of distinct code points cannot hold on to unbounded memory.
_CACHE_LIMIT = 1 << 16

_ASCII_CHAR_WIDTHS = {chr(cp): 1 if 0x20 <= cp < 0x7F else 0 for cp in range(0x80)}


def _tables() -> ModuleType:
    # Imported on first use only: an ASCII-only run never loads the tables.
    from ferris_says import _width_tables

    return _width_tables


# char -> width, seeded with ASCII (controls are None in Rust, unwrap_or(0) makes them 0).
_char_widths: dict[str, int] = dict(_ASCII_CHAR_WIDTHS)


def _learn_char_widths(text: str) -> None:
    """Put the 0.2.1 width of every char of `text` into the cache."""
    tables = _tables()
    starts, values = tables.CHAR_WIDTH_STARTS, tables.CHAR_WIDTH_VALUES
    if len(_char_widths) > _CACHE_LIMIT:
        _char_widths.clear()
        _char_widths.update(_ASCII_CHAR_WIDTHS)
    for ch in set(text).difference(_char_widths):
        _char_widths[ch] = values[bisect_right(starts, ord(ch)) - 1]


def char_width(ch: str) -> int:
    """``UnicodeWidthChar::width(ch).unwrap_or(0)`` of unicode-width 0.2.1 (`ch`: one character)."""
    try:
        return _char_widths[ch]
    except KeyError:
        _learn_char_widths(ch)
        return _char_widths[ch]


def text_width(s: str) -> int:
    """Sum of `char_width` over `s`: textwrap 0.16's display width, without its ANSI skipping."""
    if s.isascii() and s.isprintable():  # isascii is O(1) in CPython
        return len(s)
    widths = _char_widths
    try:
        if len(s) <= 8:  # most words: a plain loop beats setting up map() and sum()
            total = 0
            for ch in s:
                total += widths[ch]
            return total
        return sum(map(widths.__getitem__, s))
    except KeyError:
        _learn_char_widths(s)
        return text_width(s)

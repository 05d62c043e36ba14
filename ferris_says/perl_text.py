"""The Perl that Perl cowsay 3.03 draws its bubble with, ported: Text::Wrap's `wrap` and `fill`
and Text::Tabs' `expand` (2021.0814, Perl 5.36), Text::CharWidth's `mbswidth`, Perl's `\\s`.

Pure functions, no I/O. Every rule is Perl's on the decoded text of a UTF-8 locale, with one
change: Perl wraps by characters, so a line of wide characters (CJK, emoji) runs past the
column; here a wide character takes its two columns when a line is filled. Text without wide
characters wraps exactly as Perl wraps it.

- A *unit* is what Text::Wrap counts as one column: a character that is not a mark (`\\PM`)
  with the marks after it. (A mark with nothing before it is a unit of its own here; Perl dies
  with "This shouldn't happen".)
- `wrap` is Text::Wrap's loop with empty indents: the longest run of at most ``columns - 1``
  units that a break (a whitespace unit) or the end follows makes a line, the break is dropped;
  a word longer than that is cut. The last break stays at the end of the last line, so
  ``"hi "`` wraps to ``"hi "``. Each line is then `unexpand`-ed, as Text::Wrap does.
- `fill` splits paragraphs at a newline followed by whitespace, turns every whitespace run into
  one space, wraps each and joins them with a blank line.
- `mbswidth` sums glibc's `wcwidth` of each character up to the first NUL, and an unprintable
  one counts -1 (so ``"a\\x1bb"`` is 1 column): that is what cowsay pads with.
"""

from __future__ import annotations

import re

# typing.TYPE_CHECKING would import typing on the drop-in's path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

#: Perl's `\s` on decoded text (what `_cowsay_tables` records as SPACE; a test compares them).
PERL_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_RUN = re.compile(f"[{PERL_SPACE}]+")
_PARAGRAPH_BREAK = re.compile(f"\n[{PERL_SPACE}]+")
_ASCII_SPACE = frozenset("\t\n\x0b\x0c\r ")
#: Text::Tabs' and Text::Wrap's tab stop (cowsay sets it to 8, the default).
TABSTOP = 8
#: Debian's cowsay strips these before measuring a line: `\e\[\d+(?>(;\d+)*)m`.
ANSI_START = "\x1b["

_WIDTH_MASK = 3
_MARK = 4
_SPACE = 8
_DIGIT = 16
_kinds: dict[str, int] = {}


def _kind(char: str) -> int:
    """The character's entry in `_cowsay_tables` (cached: a text repeats its characters)."""
    kind = _kinds.get(char)
    if kind is None:
        # The tables are loaded on the first character that is not ASCII, and only then.
        from bisect import bisect_right

        from ferris_says import _cowsay_tables as tables

        kind = tables.KINDS[bisect_right(tables.STARTS, ord(char)) - 1]
        if len(_kinds) < 1 << 16:  # distinct input cannot hoard memory
            _kinds[char] = kind
    return kind


def char_width(char: str) -> int:
    """glibc's wcwidth of one character in a UTF-8 locale: -1 for an unprintable one."""
    if " " <= char <= "~":
        return 1
    if char < "\x80":
        return 0 if char == "\0" else -1
    return (_kind(char) & _WIDTH_MASK) - 1


def is_mark(char: str) -> bool:
    return char >= "\x80" and bool(_kind(char) & _MARK)


def is_space(char: str) -> bool:
    return char in _ASCII_SPACE if char < "\x80" else bool(_kind(char) & _SPACE)


def is_digit(char: str) -> bool:
    return "0" <= char <= "9" if char < "\x80" else bool(_kind(char) & _DIGIT)


def is_wide(char: str) -> bool:
    return char >= "\x80" and _kind(char) & _WIDTH_MASK == 3


def mbswidth(text: str) -> int:
    """Text::CharWidth's `mbswidth`: the sum of each character's `char_width`, up to the first
    NUL (it measures a C string)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(char_width(char) for char in text.split("\0", 1)[0])


def strip_ansi(text: str) -> str:
    """`text` without the colour codes Debian's cowsay does not measure, ESC [ n(;n)* m, with
    Perl's `\\d`."""
    if ANSI_START not in text:
        return text
    pieces: list[str] = []
    start = at = 0
    while True:
        at = text.find(ANSI_START, at)
        if at < 0:
            break
        end = _ansi_end(text, at + len(ANSI_START))
        if end < 0:
            at += 1
            continue
        pieces.append(text[start:at])
        start = at = end
    pieces.append(text[start:])
    return "".join(pieces)


def _ansi_end(text: str, at: int) -> int:
    """Where `\\d+(;\\d+)*m` starting at `at` ends, or -1."""
    while True:
        digits = at
        while at < len(text) and is_digit(text[at]):
            at += 1
        if at == digits:
            return -1
        if text.startswith("m", at):
            return at + 1
        if not text.startswith(";", at):
            return -1
        at += 1


def _count_units(text: str) -> int:
    """Characters that are not marks: Text::Tabs' column count."""
    if text.isascii():
        return len(text)
    return sum(1 for char in text if not is_mark(char))


def expand(text: str) -> str:
    """Text::Tabs' `expand`: each tab to the next multiple of TABSTOP, line by line."""
    if "\t" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        pieces = line.split("\t")
        out = [pieces[0]]
        column = _count_units(pieces[0])
        for piece in pieces[1:]:
            out.append(" " * (TABSTOP - column % TABSTOP))
            out.append(piece)
            column = _count_units(piece)  # Perl counts the piece alone: a tab stop is 0 mod 8
        lines.append("".join(out))
    return "\n".join(lines)


def _unit_starts(text: str) -> Sequence[int]:
    """Where each unit starts, and len(text) last."""
    if text.isascii():
        return range(len(text) + 1)
    starts = [index for index, char in enumerate(text) if index == 0 or not is_mark(char)]
    starts.append(len(text))
    return starts


def unexpand(line: str) -> str:
    """Text::Tabs' `unexpand` of one line: in each whole run of TABSTOP units, trailing spaces
    (two or more) become one tab."""
    if "  " not in line:
        return line
    starts = _unit_starts(line)
    pieces = []
    full = (len(starts) - 1) // TABSTOP
    for chunk in range(full):
        piece = line[starts[chunk * TABSTOP] : starts[(chunk + 1) * TABSTOP]]
        kept = piece.rstrip(" ")
        pieces.append(kept + "\t" if len(piece) - len(kept) >= 2 else piece)
    pieces.append(line[starts[full * TABSTOP] :])
    return "".join(pieces)


def wrap(text: str, columns: int) -> str:
    """Text::Wrap's ``wrap("", "", text)`` at `columns` (2 or more), wide characters taking
    two columns: lines of at most ``columns - 1`` columns, joined with newlines."""
    if columns < 2:
        raise ValueError(f"columns must be 2 or more, not {columns}")
    text = expand(text)
    limit = columns - 1
    starts = _unit_starts(text)
    count = len(starts) - 1
    plain = text.isascii()

    def blank(unit: int) -> bool:
        return unit == count or is_space(text[starts[unit]])

    last_solid = count - 1  # the loop ends once nothing but breaks is left
    while last_solid >= 0 and blank(last_solid):
        last_solid -= 1
    lines: list[str] = []
    remainder = ""
    unit = 0
    while unit <= last_solid:
        first = unit
        end, used = unit, 0  # the most units that fit, stopping at a newline
        while end < count and text[starts[end]] != "\n":
            used += 1 if plain or not is_wide(text[starts[end]]) else 2
            if used > limit:
                break
            end += 1
        cut = end
        while cut >= unit and not blank(cut):
            cut -= 1
        if cut >= unit:  # a break (or the end) after the line: it goes
            line_end = cut
            if cut == count:
                remainder, unit = "", count
            elif text.startswith("\r\n", starts[cut]):  # one break, Perl's `\r\n` alternative
                remainder, unit = "\r\n", cut + 2
            else:
                remainder, unit = text[starts[cut] : starts[cut + 1]], cut + 1
        else:  # a word longer than the line: cut it (one wide character at least)
            line_end = max(end, unit + 1)
            remainder, unit = "\n", line_end
        lines.append(unexpand(text[starts[first] : starts[line_end]]))
    return "\n".join(lines) + remainder


def perl_split(pattern: re.Pattern[str], text: str) -> list[str]:
    """Perl's `split` with a pattern that never matches empty: no fields at all for an empty
    text, and no empty fields at the end."""
    fields = pattern.split(text) if text else []
    while fields and fields[-1] == "":
        fields.pop()
    return fields


def fill(message: Sequence[str], columns: int) -> str:
    """Text::Wrap's ``fill("", "", @message)``: the lines joined, cut into paragraphs where a
    newline is followed by whitespace, each with its whitespace runs made one space and wrapped
    at `columns`, the paragraphs joined by a blank line."""
    paragraphs = perl_split(_PARAGRAPH_BREAK, "\n".join(message))
    return "\n\n".join(wrap(_SPACE_RUN.sub(" ", paragraph), columns) for paragraph in paragraphs)

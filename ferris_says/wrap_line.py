"""One line wider than the width, wrapped as textwrap 0.16.2 wraps it: words at UAX #14 break
opportunities, split after hyphens, broken when too wide, laid out by the optimal fit. The slow
path of ferris_says.wrap, in a module of its own so that text that fits never loads UAX #14's
rules or `re`."""

from __future__ import annotations

from array import array

from ferris_says.char_width import char_width, text_width
from ferris_says.linebreak import break_opportunities
from ferris_says.optimal_fit import line_ranges

ESC = "\x1b"
SOFT_HYPHEN = "\xad"


class _Fragments:
    """The words of one line as offsets into it, in typed arrays (tens of MB stay affordable).

    Fragment k is line[start[k]:stop[k]] followed by its trailing spaces. For the layout cost,
    `offsets[k]` is the width of everything before fragment k, spaces included, and `ends[k + 1]`
    the width up to the end of fragment k's text: a line of fragments i..j-1 is
    `ends[j] - offsets[i]` columns wide. textwrap sums these as floats; they are whole numbers
    far below 2**53, so the sums are exact in any order.

    textwrap's fragments also carry a penalty string, the hyphen added when a line breaks after
    them. The HyphenSplitter only splits right after an existing '-', so that string is always
    empty with the default options, and neither the hyphen nor its cost ever appears.
    """

    __slots__ = ("start", "stop", "offsets", "ends")

    def __init__(self) -> None:
        self.start = array("q")
        self.stop = array("q")
        self.offsets = array("d", [0.0])
        self.ends = array("d", [0.0])


# A word's fragments, relative to its start: (start, stop, width, trailing spaces).
_Pieces = list[tuple[int, int, int, int]]
# Words come back again and again; remembering this many distinct ones bounds the memory.
WORD_CACHE_SIZE = 4096


def wrap_line(line: str, width: int) -> list[str]:
    """textwrap's lines for one line (no newline in it) wider than the width."""
    fragments = _fragments(line, width)
    lines = []
    for first, end in line_ranges(fragments.offsets, fragments.ends, width):
        if first == end:
            lines.append("")
        else:
            lines.append(line[fragments.start[first] : fragments.stop[end - 1]])
    return lines


def _fragments(line: str, width: int) -> _Fragments:
    """The fragments of a line: each word is split and broken once, however often it comes."""
    fragments = _Fragments()
    add_start, add_stop = fragments.start.append, fragments.stop.append
    add_end, add_offset = fragments.ends.append, fragments.offsets.append
    known: dict[str, _Pieces] = {}
    total = 0.0
    start = 0
    for cut in _word_boundaries(line):
        word = line[start:cut]
        pieces = known.get(word)
        if pieces is None:
            pieces = []
            _split_and_break(word, 0, cut - start, width, pieces)
            if len(known) < WORD_CACHE_SIZE:
                known[word] = pieces
        for piece_start, piece_stop, piece_width, spaces in pieces:
            add_start(start + piece_start)
            add_stop(start + piece_stop)
            add_end(total + piece_width)
            total += piece_width + spaces
            add_offset(total)
        start = cut
    return fragments


def _word_boundaries(line: str) -> list[int]:
    """Where textwrap's UnicodeBreakProperties separator cuts the line: each word ends there.

    A word keeps its trailing spaces. Breaks right after '-' or a soft hyphen are dropped
    (hyphens are the word splitter's business), and so is the last remaining opportunity,
    whatever it is: usually the end of the line, but not when the line ends in a hyphen. The
    end of the line always closes the last word, if there is one.
    """
    if ESC in line:
        stripped, original_index = _strip_ansi(line)
    else:
        stripped, original_index = line, None
    cuts = [i for i in break_opportunities(stripped) if stripped[i - 1] not in ("-", SOFT_HYPHEN)]
    del cuts[-1:]
    if original_index is not None:
        cuts = [original_index[i] for i in cuts]
    if (cuts[-1] if cuts else 0) < len(line):
        cuts.append(len(line))
    return cuts


def _split_and_break(line: str, start: int, end: int, line_width: int, out: _Pieces) -> None:
    """Word::from, then HyphenSplitter, then break_words, for the word line[start:end]."""
    stop = end
    while stop > start and line[stop - 1] == " ":
        stop -= 1
    spaces = end - stop
    word = line[start:stop]
    if "-" not in word:
        _add_unbroken(word, start, spaces, line_width, out)
        return
    previous = 0
    for split in _hyphen_splits(word):
        _add_unbroken(word[previous:split], start + previous, 0, line_width, out)
        previous = split
    _add_unbroken(word[previous:], start + previous, spaces, line_width, out)


def _hyphen_splits(word: str) -> list[int]:
    splits = []
    position = word.find("-")
    while position != -1:
        if (
            0 < position < len(word) - 1
            and _is_alphanumeric(word[position - 1])
            and _is_alphanumeric(word[position + 1])
        ):
            splits.append(position + 1)
        position = word.find("-", position + 1)
    return splits


def _add_unbroken(word: str, start: int, spaces: int, line_width: int, out: _Pieces) -> None:
    width = display_width(word)
    if width > line_width:
        _break_apart(word, start, spaces, line_width, out)
    else:
        out.append((start, start + len(word), width, spaces))


def _break_apart(word: str, start: int, spaces: int, line_width: int, out: _Pieces) -> None:
    """Word::break_apart: cut a too-wide word before the character that would overflow."""
    offset = 0
    width = 0
    index = 0
    while index < len(word):
        ch = word[index]
        if ch == ESC:
            index = _skip_ansi(word, index)
            continue
        ch_width = char_width(ch)
        if width > 0 and width + ch_width > line_width:
            out.append((start + offset, start + index, width, 0))
            offset = index
            width = ch_width
        else:
            width += ch_width
        index += 1
    if offset < len(word):
        out.append((start + offset, start + len(word), width, spaces))


def display_width(text: str) -> int:
    """textwrap's display_width: char widths, ANSI escape sequences counting nothing."""
    if ESC not in text:
        return text_width(text)
    width = 0
    index = 0
    while index < len(text):
        if text[index] == ESC:
            index = _skip_ansi(text, index)
        else:
            width += char_width(text[index])
            index += 1
    return width


def _skip_ansi(text: str, index: int) -> int:
    """Index just past the escape sequence starting at text[index] (an ESC).

    textwrap's rule: ESC always takes the next character with it; after "ESC [" it also takes
    everything up to a final byte in '@'..'~'; after "ESC ]" everything up to BEL or "ESC \\".
    """
    end = len(text)
    index += 1
    if index >= end:
        return index
    introducer = text[index]
    index += 1
    if introducer == "[":
        while index < end:
            ch = text[index]
            index += 1
            if "@" <= ch <= "~":
                break
    elif introducer == "]":
        previous = "]"
        while index < end:
            ch = text[index]
            index += 1
            if ch == "\x07" or (ch == "\\" and previous == ESC):
                break
            previous = ch
    return index


def _strip_ansi(line: str) -> tuple[str, list[int]]:
    """The line without escape sequences, and for each stripped index the original one."""
    kept: list[str] = []
    original_index: list[int] = []
    index = 0
    while index < len(line):
        if line[index] == ESC:
            after = _skip_ansi(line, index)
            if len(original_index) == len(kept):
                original_index.append(index)
            index = after
        else:
            if len(original_index) == len(kept):
                original_index.append(index)
            kept.append(line[index])
            index += 1
    return "".join(kept), original_index


_alphanumeric_cache: dict[str, bool] = {}


def _is_alphanumeric(ch: str) -> bool:
    """Rust's char::is_alphanumeric (Alphabetic or a numeric general category)."""
    if ch.isascii():
        return ch.isalnum()
    known = _alphanumeric_cache.get(ch)
    if known is None:
        from bisect import bisect_right

        from ferris_says._wrap_tables import ALPHANUMERIC_FLAGS, ALPHANUMERIC_STARTS

        index = bisect_right(ALPHANUMERIC_STARTS, ord(ch)) - 1
        known = _alphanumeric_cache[ch] = bool(ALPHANUMERIC_FLAGS[index])
    return known

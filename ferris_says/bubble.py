"""The picture: Ferris's speech bubble, drawn exactly as ferris-says 0.3.2's `say` draws it.

Pure functions, no I/O. Padding to the widest line can make a picture far larger than its
text, so it also comes in pieces (`iter_say`): the wrapped lines are kept, proportional to the
text, and each padded line is made only when its turn comes.
"""

from __future__ import annotations

from itertools import chain

from ferris_says.characters import DEFAULT_CHARACTER, mascot
from ferris_says.str_width import padding_width
from ferris_says.wrap import fill, fill_whole

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

#: The largest width: the crate's `say` takes a usize, whose maximum is 2**64 - 1.
MAX_WIDTH = 2**64 - 1

# What merging would change: two whitespace chars in a row, or one that is not a space. Most
# texts have neither, and `in` finds that out at memchr speed, quicker than a regex's scan and
# without importing `re` (ferris_says.whitespace does the merging when it is needed).
_ASCII_OTHER_WHITESPACE = ("\t", "\x0b", "\x0c")
_OTHER_WHITESPACE = (
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)

# Lines of one, first, middle and last position: (left edge, right edge).
_SINGLE = ("< ", " >\n")
_FIRST = ("/ ", " \\\n")
_MIDDLE = ("| ", " |\n")
_LAST = ("\\ ", " /\n")
#: A line's (left edge, right edge) when alone, first, in the middle, last.
Borders = tuple[tuple[str, str], tuple[str, str], tuple[str, str], tuple[str, str]]
#: The edges of a one-line bubble, then a first, middle and last line: the crate's speech.
SAY_BORDERS: Borders = (_SINGLE, _FIRST, _MIDDLE, _LAST)
#: cowthink's thought bubble: `( )` on every line.
THINK_BORDERS: Borders = (("( ", " )\n"),) * 4


def merge_whitespace(text: str) -> str:
    """Each run of whitespace other than line breaks becomes one space."""
    if _needs_merging(text):
        from ferris_says import whitespace  # the slow path begins: `re`

        return whitespace.merge_runs(text)
    return text


def _needs_merging(text: str) -> bool:
    """True unless every whitespace char is a space and no two are adjacent."""
    if "  " in text or any(ch in text for ch in _ASCII_OTHER_WHITESPACE):
        return True
    return not text.isascii() and any(ch in text for ch in _OTHER_WHITESPACE)


# Long texts are measured this many characters at a time, never encoded whole.
_CHUNK = 1 << 20


def default_width(text: str) -> int:
    """The width the original command passes: the words' UTF-8 byte length."""
    if text.isascii():
        return len(text)
    total = 0
    for start in range(0, len(text), _CHUNK):
        try:
            total += len(text[start : start + _CHUNK].encode("utf-8"))
        except UnicodeEncodeError as error:
            # Only a lone surrogate (from surrogateescape or JSON) gets here; a Rust str has
            # none.
            index = start + error.start
            raise ValueError(
                f"text is not valid Unicode: lone surrogate U+{ord(text[index]):04X} "
                f"at index {index}"
            ) from None
    return total


def bubble_lines(text: str, width: int | None = None) -> list[str]:
    """The text lines inside the bubble, before padding."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    byte_length = default_width(text)  # also refuses lone surrogates, whatever the width
    if width is None:
        width = byte_length
    if width < 0:
        raise ValueError(f"width must be 0 or more, not {width}")
    merged = merge_whitespace(text)
    if width >= byte_length:
        # The default path. Merging never lengthens the text, so each line fits whole.
        return _rust_lines(fill_whole(merged))
    return _rust_lines(fill(merged, width))


def iter_bubble(lines: list[str], borders: Borders = SAY_BORDERS) -> Iterator[str]:
    """The bubble around `lines`, a piece at a time: the top border, each padded line, the
    bottom border (with no newline after it, as the crate writes it). `borders`: the edges
    of a line alone, first, in the middle and last (SAY_BORDERS or THINK_BORDERS)."""
    single, first, middle, final = borders
    widths = [padding_width(line) for line in lines]
    inner = max(widths, default=0)
    yield " " + "_" * (inner + 2) + "\n"
    last = len(lines) - 1
    for index, (line, line_width) in enumerate(zip(lines, widths)):
        if last == 0:
            left, right = single
        elif index == 0:
            left, right = first
        elif index == last:
            left, right = final
        else:
            left, right = middle
        yield left + line + " " * (inner - line_width) + right
    yield " " + "-" * (inner + 2)


def render_bubble(text: str, width: int | None = None) -> str:
    """The bubble from the top border to the bottom border (without a newline after it)."""
    return "".join(iter_bubble(bubble_lines(text, width)))


def iter_say(
    text: str, width: int | None = None, character: str = DEFAULT_CHARACTER
) -> Iterator[str]:
    """`say` in pieces that join to exactly its string; a bad argument fails at the call,
    before the first piece. Memory: the wrapped lines plus one padded line at a time."""
    lines = bubble_lines(text, width)
    return chain(iter_bubble(lines), (mascot(character),))


def say(text: str, width: int | None = None, character: str = DEFAULT_CHARACTER) -> str:
    """Everything ferris-says' `say(text, width, writer)` writes, mascot and final newline too.

    `width=None` is the original command's default, the UTF-8 byte length of `text`.
    `character` is ferris, clippy or any cowsay character (`characters.character_names()`).
    """
    return "".join(iter_say(text, width, character))


def _rust_lines(text: str) -> list[str]:
    """Rust's str::lines: split at '\\n', drop a '\\r' just before it, no empty last line."""
    lines = text.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()
    terminated = len(lines) if ends_with_newline else len(lines) - 1
    return [
        line[:-1] if index < terminated and line.endswith("\r") else line
        for index, line in enumerate(lines)
    ]

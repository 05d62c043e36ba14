"""textwrap 0.16.2's `fill(text, width)` with its default options, in linear time.

Default options mean: words found at UAX #14 break opportunities, split after hyphens that sit
between alphanumerics, broken when wider than the line, then laid out by the optimal-fit
algorithm with `Penalties::new()` (ferris_says.optimal_fit: the crate's own search, and a
faster one proven to make the same choices).

Positions are indices into Python strings (code points); textwrap's byte offsets map onto them
one to one, except in the two places that compare a byte length with the width.

This module is the fast path, the lines that fit whole; a line that does not goes to
ferris_says.wrap_line, imported only then.
"""

from __future__ import annotations


def fill(text: str, width: int) -> str:
    """What textwrap::fill(text, width) returns."""
    if "\n" not in text and fits_in_utf8(text, width):
        return text.rstrip(" ")
    return "\n".join(wrap(text, width))


def fill_whole(text: str) -> str:
    """What fill(text, width) returns for any width at least the text's UTF-8 byte length:
    every line fits whole (see `fits_in_utf8`) and only loses its trailing spaces."""
    if "\n" not in text:
        return text.rstrip(" ")
    return "\n".join([line.rstrip(" ") for line in text.split("\n")])


def wrap(text: str, width: int) -> list[str]:
    """What textwrap::wrap(text, width) returns: the lines, without line endings."""
    lines: list[str] = []
    for line in text.split("\n"):
        if fits_in_utf8(line, width):
            lines.append(line.rstrip(" "))
        else:
            from ferris_says.wrap_line import wrap_line  # the slow path begins: UAX #14, `re`

            lines.extend(wrap_line(line, width))
    return lines


def fits_in_utf8(line: str, width: int) -> bool:
    """True when the line's UTF-8 byte length is at most `width`: then it stays one line.

    textwrap's own fast path takes only lines *shorter* than the width; one exactly as long
    (the original command's default) goes through the optimal fit, which returns the same
    single line: no char is wider than its UTF-8 bytes, so everything fits, and one line is
    then the strict minimum of every column the search settles. The proof is in
    docs/pages/speed.md; tests/test_wrap_shortcut.py checks it against the full search.
    """
    return len(line) <= width and (line.isascii() or len(line.encode("utf-8")) <= width)

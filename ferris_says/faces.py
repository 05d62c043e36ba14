"""Faces and thoughts for the characters that are not .cow files: Ferris, Clippy, and the
cowsay package's cast.

Ferris's eyes are the two ``o`` of ``/  o o  \\``, Clippy's the two ``@`` of ``@  @``: ``-e AB``
puts A in the left eye and B in the right (one character leaves the right one out, none both,
as cowsay leaves out what ``$eyes`` does not hold). Neither has a tongue, and the cowsay
package's pictures have their faces drawn in: asking them for what they have no place for is a
usage error, never ignored. Thinking turns the tail's ``\\`` into cowthink's ``o``.
"""

from __future__ import annotations

from ferris_says.errors import FerrisUsageError

# typing.TYPE_CHECKING would import typing; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

THINK_TAIL = "o"
SAY_TAIL = "\\"


def _ferris_eyes(left: str, right: str) -> str:
    return f"        \\) /  {left} {right}  \\ (/"


def _clippy_eyes(left: str, right: str) -> str:
    return f"           {left}  {right}"


#: Character -> (the index of its eye line in mascot.split("\n"), that line with given eyes).
EYE_LINES: dict[str, tuple[int, Callable[[str, str], str]]] = {
    "ferris": (4, _ferris_eyes),
    "clippy": (6, _clippy_eyes),
}


def wears(name: str, eyes: bool, tongue: bool) -> bool:
    """Whether `name` (not a .cow file) has a place for eyes and for a tongue, as asked."""
    return not tongue and (not eyes or name in EYE_LINES)


def face_of(name: str, mascot: str, eyes: str | None, tongue: str | None, think: bool) -> str:
    """`mascot` with these eyes (None: its own), and thinking if asked; a tongue is refused."""
    if tongue is not None:
        raise FerrisUsageError(
            f"{name} has no tongue to draw -T/--tongue on (a .cow file with $tongue has one)"
        )
    lines = mascot.split("\n")
    if eyes is not None:
        if name not in EYE_LINES:
            raise FerrisUsageError(
                f"{name} has no place for eyes (-e/--eyes, --mode): its face is drawn in;"
                " ferris, clippy and .cow files with $eyes have one"
            )
        index, with_eyes = EYE_LINES[name]
        lines[index] = with_eyes(eyes[:1], eyes[1:2])
    if think:
        lines = thinking(lines)
    return "\n".join(lines)


def tail_lines(lines: list[str]) -> list[int]:
    """The indexes of the tail: the first lines under the bubble whose first mark is a `\\`,
    each one column right of the one above (art that merely starts with `\\` is not tail)."""
    tail: list[int] = []
    column = -1
    for index, line in enumerate(lines):
        if index == 0 and line == "":
            continue  # the newline that ends the bottom border
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped.startswith(SAY_TAIL) or (tail and indent != column + 1):
            break
        tail.append(index)
        column = indent
    return tail


def thinking(lines: list[str]) -> list[str]:
    """The picture with cowthink's `o` where the tail's `\\` were."""
    thought = list(lines)
    for index in tail_lines(lines):
        line = thought[index]
        at = line.index(SAY_TAIL)
        thought[index] = line[:at] + THINK_TAIL + line[at + 1 :]
    return thought

"""Perl cowsay 3.03's bubble and face, as Debian's cowsay draws them (`ferris-cowsay`).

Pure functions, no I/O; the rules of the text are Perl's (`perl_text`).

- The message: the words joined with one space, or stdin's lines without their newlines.
- Its lines: Text::Wrap's `fill` at the -W column (40), or with -n the lines as they are with
  their tabs expanded.
- The bubble: as wide as its widest line, measured by `mbswidth` once Debian's ANSI colour codes
  are taken out; each line padded to that width by its own `mbswidth`, codes included (so a
  coloured line is not padded: Debian's patch measures, it does not pad). One line gets
  ``< >``, several ``/ \\``, ``| |``, ``\\ /``; thinking, ``( )`` on every line. No text draws
  one empty line.
- The face: -e and -T give two characters at most; then each mode flag that is set, in Perl's
  order (b d g p s t w y), sets the eyes, and -d or -s the tongue: the last one wins.
"""

from __future__ import annotations

from ferris_says.modes import MODES
from ferris_says.perl_text import expand, fill, mbswidth, strip_ansi
from ferris_says.request import COWSAY_MIN_WIDTH

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

#: cowsay's -W default.
DEFAULT_COLUMNS = 40
#: Text::Wrap cannot wrap below this column (it prints `3`).
MIN_COLUMNS = COWSAY_MIN_WIDTH
DEFAULT_EYES = "oo"
DEFAULT_TONGUE = "  "
#: -e and -T keep this many characters.
FACE_CHARS = 2
#: $thoughts: the tail of a speech bubble, or the bubbles of a thought.
SAY_THOUGHTS = "\\"
THINK_THOUGHTS = "o"
#: Edges: (alone, first, middle, last) lines, each (left, right).
SAY_EDGES = (("<", ">"), ("/", "\\"), ("|", "|"), ("\\", "/"))
THINK_EDGES = (("(", ")"),) * 4


def stdin_message(text: str) -> list[str]:
    """`chomp(@message = <STDIN>)`: the lines, each without its newline (a `\\r` stays)."""
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def message_lines(message: Sequence[str], columns: int, keep: bool = False) -> list[str]:
    """The lines inside the bubble: `fill` at `columns`, or with `keep` (-n) the message's own
    lines with their tabs expanded."""
    if keep:
        return [expand(line) for line in message]
    filled = fill(message, columns)
    lines = filled.split("\n") if filled else []
    while lines and lines[-1] == "":  # Perl's split("\n", ...) keeps no empty field at the end
        lines.pop()
    return lines


def face(eyes: str | None, tongue: str | None, modes: Iterable[str]) -> tuple[str, str]:
    """The eyes and tongue drawn for -e, -T (None: not given) and the mode letters set."""
    eyes = DEFAULT_EYES if eyes is None else eyes[:FACE_CHARS]
    tongue = DEFAULT_TONGUE if tongue is None else tongue[:FACE_CHARS]
    chosen = set(modes)
    for letter, _name, mode_eyes, mode_tongue in MODES:
        if letter in chosen:
            eyes = mode_eyes
            tongue = tongue if mode_tongue is None else mode_tongue
    return eyes, tongue


def balloon(lines: Sequence[str], think: bool) -> Iterator[str]:
    """The bubble around `lines`, a line at a time (each ending in a newline): the padded lines
    are made as they are written, so memory follows the text, not the picture."""
    raw = [mbswidth(line) for line in lines]
    measured = [mbswidth(strip_ansi(line)) if "\x1b[" in line else width
                for line, width in zip(lines, raw)]  # fmt: skip
    inner = max(0, *measured) if measured else 0
    alone, first, middle, last = THINK_EDGES if think else SAY_EDGES
    yield " " + "_" * (inner + 2) + "\n"
    if len(lines) < 2:
        text = lines[0] if lines else ""
        yield f"{alone[0]} {text}{' ' * (inner - (raw[0] if lines else 0))} {alone[1]}\n"
    else:
        final = len(lines) - 1
        for index, (line, width) in enumerate(zip(lines, raw)):
            left, right = first if index == 0 else last if index == final else middle
            yield f"{left} {line}{' ' * (inner - width)} {right}\n"
    yield " " + "-" * (inner + 2) + "\n"

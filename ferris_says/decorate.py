"""Neo-cowsay's colours, `--rainbow`, `--bold` and `--aurora`, for every command.

What Neo-cowsay (Code-Hex/Neo-cowsay 2.0.4, decoration/) does to the whole picture, a character
(a code point) at a time; whitespace is written as it is, and a newline too:

- rainbow: each other character in the 16-colour cycle magenta, red, yellow, green, cyan,
  blue (``ESC[35m`` ...), by its place in its line (a newline starts the cycle again; spaces
  take their place in it), then ``ESC[0m``;
- bold: each character in ``ESC[1m`` ... ``ESC[0m``; with rainbow or aurora, ``;1`` is added to
  their colour;
- aurora: 256-colour codes ``ESC[38;5;Nm`` along three sine waves, one step per character
  (spaces included, newlines not), from a random step in 0..255. Aurora wins over rainbow.

Pure: `decorate` turns the picture's pieces into coloured pieces as they come, so the picture
is never held whole.
"""

from __future__ import annotations

import math

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

RAINBOW = "rainbow"
BOLD = "bold"
AURORA = "aurora"
#: The options, in what they win over: aurora, then rainbow, then bold alone.
STYLES = (AURORA, RAINBOW, BOLD)
#: Neo-cowsay's cycle: magenta, red, yellow, green, cyan, blue.
RAINBOW_CODES = (35, 31, 33, 32, 36, 34)
#: Aurora's waves: frequency and the three phases (red, green, blue).
AURORA_FREQUENCY = 0.01
AURORA_PHASES = (0.0, 2 * math.pi / 3, 4 * math.pi / 3)
#: Aurora's first step is random below this.
AURORA_STEPS = 256
RESET = "\x1b[0m"
# Go's unicode.IsSpace: what Neo-cowsay leaves uncoloured.
_SPACES = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(code) for code in range(0x2000, 0x200B)
)


def aurora_code(step: int) -> int:
    """The 256-colour code of aurora's `step`: a 6x6x6 cube colour along three sine waves."""
    red, green, blue = (
        int(6 * (math.sin(AURORA_FREQUENCY * step + phase) * 127 + 128) / 256)
        for phase in AURORA_PHASES
    )
    return 16 + red * 36 + green * 6 + blue


def aurora_start() -> int:
    """Aurora's first step: random below AURORA_STEPS, as Neo-cowsay's (FERRIS_SAYS_SEED makes
    it repeatable)."""
    from ferris_says import seeded  # random, on --aurora only

    return seeded.chooser().randrange(AURORA_STEPS)


def decorate(
    pieces: Iterable[str], styles: Iterable[str], start: int | None = None
) -> Iterator[str]:
    """The picture's `pieces`, coloured as Neo-cowsay colours them; `start` is aurora's first
    step (None: `aurora_start`). No style: the pieces as they are."""
    chosen = set(styles)
    bold = ";1" if BOLD in chosen else ""
    if AURORA in chosen:
        step = aurora_start() if start is None else start
        for piece in pieces:
            out = []
            for char in piece:
                if char in _SPACES:
                    out.append(char)
                else:
                    out.append(f"\x1b[38;5;{aurora_code(step)}{bold}m{char}{RESET}")
                if char != "\n":
                    step += 1
            yield "".join(out)
    elif RAINBOW in chosen:
        column = 0
        for piece in pieces:
            out = []
            for char in piece:
                if char == "\n":
                    column = 0
                    out.append(char)
                    continue
                if char in _SPACES:
                    out.append(char)
                else:
                    code = RAINBOW_CODES[column % len(RAINBOW_CODES)]
                    out.append(f"\x1b[{code}{bold}m{char}{RESET}")
                column += 1
            yield "".join(out)
    elif BOLD in chosen:
        for piece in pieces:
            yield "".join(char if char in _SPACES else f"\x1b[1m{char}{RESET}" for char in piece)
    else:
        yield from pieces

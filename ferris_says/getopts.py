"""Perl's Getopt::Std `getopts` (1.13, Perl 5.36), which Perl cowsay 3.03 reads its command
line with, ported; and the long options ferris-cowsay adds, read in the same loop.

Pure: no I/O. The rules, each Perl's:

- Options come first: the loop stops at the first argument that is not ``-`` followed by at
  least one character (so ``-`` alone is a word), and after ``--``, which it drops.
- ``-abc`` is ``-a -b -c``; an option that takes a value takes the rest of the argument
  (``-W40``, ``-nW40``) or else the next argument, whatever it looks like (``-e -f``). With no
  next argument its value is missing (None), silently, as in Perl.
- A letter is looked up in the spec string by its first occurrence, so ``:`` itself is a flag
  there (``-:`` is accepted and does nothing), as in Perl.
- An unknown letter warns ``Unknown option: X`` and parsing goes on with the rest.
- The same option twice: the last value wins.
- ``--NAME`` for a name in `long_options` is that long option (ferris-cowsay's additions);
  any other ``--NAME`` is what Perl makes of it: an unknown ``-`` then the letters of NAME.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

#: What marks an option that takes a value in the spec string.
TAKES_VALUE = ":"
END_OF_OPTIONS = "--"


class Parsed:
    """What `getopts` found: the options (letter -> True, or its value: None when missing), the
    long options in order, the words left, and the warnings in order."""

    __slots__ = ("options", "long", "words", "warnings")

    def __init__(self) -> None:
        self.options: dict[str, str | bool | None] = {}
        self.long: list[str] = []
        self.words: list[str] = []
        self.warnings: list[str] = []


def unknown_option(letter: str) -> str:
    """Perl's warning for a letter the spec does not have; a letter a terminal would act on (a
    control character: ESC starts a sequence) is shown escaped, where Perl prints it as it is."""
    shown = letter if letter.isprintable() else ascii(letter)[1:-1]
    return f"Unknown option: {shown}"


def getopts(spec: str, argv: Sequence[str], long_options: Collection[str] = ()) -> Parsed:
    """Parse `argv` as Perl's ``getopts(spec, \\%opts)`` does."""
    letters = spec.replace(" ", "")
    parsed = Parsed()
    args = list(argv)
    while args and len(args[0]) >= 2 and args[0].startswith("-"):
        arg = args[0]
        if arg == END_OF_OPTIONS:
            args.pop(0)
            break
        if arg in long_options:
            parsed.long.append(arg)
            args.pop(0)
            continue
        letter, rest = arg[1], arg[2:]
        at = letters.find(letter)
        if at < 0:
            parsed.warnings.append(unknown_option(letter))
            if rest:
                args[0] = "-" + rest
            else:
                args.pop(0)
        elif letters[at + 1 : at + 2] == TAKES_VALUE:
            args.pop(0)
            if rest:
                parsed.options[letter] = rest
            else:
                parsed.options[letter] = args.pop(0) if args else None
        else:
            parsed.options[letter] = True
            if rest:
                args[0] = "-" + rest
            else:
                args.pop(0)
    parsed.words = args
    return parsed

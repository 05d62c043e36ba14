"""The drop-in's built-in cast: the default cow, for machines where no cowsay was installed.

Debian's ``default.cow`` is cowsay's art, under cowsay's licence (Perl's: the Artistic License
or the GPL), so ferris-says does not ship it. The cowsay Python package, a dependency already
(GPL-3.0, see docs/pages/licensing.md), draws the same cow with its tail on lines of its own
and no tongue. `default_cow_source` lays that art out as Debian's file does, at run time: the
body moved right by BODY_SHIFT, the two tail lines laid over its first two lines at
TAIL_COLUMN, ``$eyes`` in the ``(oo)``, ``$tongue`` before the legs. The result is read by the
.cow parser like any file; a test compares what it draws with Debian's default.cow, in every
mode, saying and thinking.
"""

from __future__ import annotations

from ferris_says.cowfile import CowFile, parse_cow
from ferris_says.errors import FerrisError

DEFAULT_COW = "default"
#: What -l and errors call the built-in cast.
WHERE = "built in"
#: The cowsay package's name for the cow.
PACKAGE_COW = "cow"
#: Debian's default.cow: the first tail mark's column, and how far right the body is.
TAIL_COLUMN = 8
BODY_SHIFT = 9
TAIL = "\\"
EYES = "(oo)"
LEGS = "||----w |"
#: The tongue's place: this many columns left of the legs.
TONGUE_BEFORE_LEGS = 3


def _package_cow() -> str:
    try:
        import cowsay
    except ImportError as error:  # a broken install, not a user mistake
        raise FerrisError(
            f"the built-in default cow needs the cowsay package, which cannot be imported: {error}"
        ) from error
    art: str = cowsay.CHARS[PACKAGE_COW]
    return art


def _heredoc_text(text: str) -> str:
    """`text` as an interpolated heredoc reads it literally."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("@", "\\@")


def default_cow_source(art: str) -> str:
    """The .cow source of Debian's default cow, laid out from the cowsay package's `art`."""
    lines = [line.rstrip() for line in art.split("\n") if line.strip()]
    tail = 0
    while tail < len(lines) and lines[tail] == " " * tail + TAIL:
        tail += 1
    body = lines[tail:]
    eyes_at = [index for index, line in enumerate(body) if EYES in line]
    legs_at = [index for index, line in enumerate(body) if LEGS in line]
    if tail != 2 or len(body) < tail or len(eyes_at) != 1 or len(legs_at) < 1:
        raise FerrisError("the cowsay package's cow is not the shape the built-in cow is made of")
    out = []
    for index, line in enumerate(body):
        text = _heredoc_text(" " * BODY_SHIFT + line)
        if index < tail:  # the tail's mark goes where the body has spaces
            column = TAIL_COLUMN + index
            text = text[:column] + "$thoughts" + text[column + 1 :]
        if index == eyes_at[0]:
            text = text.replace(_heredoc_text(EYES), "($eyes)", 1)
        if index == legs_at[0]:
            column = text.index(_heredoc_text(LEGS)) - TONGUE_BEFORE_LEGS
            text = text[:column] + "$tongue" + text[column + 2 :]
        out.append(text)
    return '$the_cow = <<"EOC";\n' + "\n".join(out) + "\nEOC\n"


def builtin_cow(name: str) -> CowFile | None:
    """The built-in cow called `name`, or None."""
    if name != DEFAULT_COW:
        return None
    return parse_cow(default_cow_source(_package_cow()), f"{WHERE} {DEFAULT_COW}")


def builtin_names() -> list[str]:
    return [DEFAULT_COW]

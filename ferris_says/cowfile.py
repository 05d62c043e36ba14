"""cowsay's ``.cow`` files, read by a parser that never runs anything.

A ``.cow`` file is Perl that cowsay runs with ``do FILE``; here it is only read (by
cowfile_parser, into cowfile_syntax's parsed form). The subset is what the files Debian's cowsay
3.03 ships use; every one of them parses and draws as cowsay draws it (tests/test_cowfile.py):

* comments (``#`` to the end of a line) and blank lines;
* ``$the_cow = <<EOC;`` with ``<<EOC``, ``<<"EOC"`` (interpolated) or ``<<'EOC'`` (literal), the
  ``;`` optional on the last statement, as Perl allows;
* inside an interpolated heredoc or ``"..."``, Perl's double-quote rules: ``\\\\``, ``\\@``,
  ``\\$`` and any other ``\\`` + punctuation give that character, ``\\n \\t \\r \\f \\b \\a \\e``
  their control characters, and ``$thoughts``, ``$eyes``, ``$tongue`` or ``${eyes}`` the values;
* ``three-eyes.cow``'s two statements: assignments ``$name = EXPR;`` and ``$name .= EXPR;``,
  where EXPR is built from variables, strings, whole numbers, ``chop($name)``, ``.``, ``x`` and
  parentheses.

Everything else (other functions, ``system``, backticks, ``eval``, ``@{[ ... ]}``, ``${\\ ...}``,
array or hash elements, Perl's punctuation variables, unknown variables) is a `CowFileError`:
one line naming the file and line, a usage error (exit 2). Nothing in a file is ever executed.
"""

from __future__ import annotations

import os
import stat

from ferris_says.cowfile_parser import Parser
from ferris_says.cowfile_syntax import (
    COW_VARIABLES,
    MAX_COW_CHARS,
    MAX_NESTING,
    THE_COW,
    CowFile,
    CowFileError,
)
from ferris_says.errors import FerrisUsageError

__all__ = [
    "COW_VARIABLES",
    "MAX_COW_CHARS",
    "MAX_NESTING",
    "THE_COW",
    "CowFile",
    "CowFileError",
    "load_cow_file",
    "parse_cow",
]


def parse_cow(source: str, where: str) -> CowFile:
    """Parse the text of a .cow file; `where` names it in errors."""
    if len(source) > MAX_COW_CHARS:
        raise CowFileError(where, 1, f"larger than {MAX_COW_CHARS} characters: not a cow file")
    return Parser(source, where).program()


def load_cow_file(path: str, shown: str | None = None) -> CowFile:
    """Read and parse the .cow file at `path` (errors name it as `shown`, default the path)."""
    where = shown if shown is not None else path
    try:
        # Non-blocking, so that a FIFO is refused below instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise FerrisUsageError(f"{where}: not a regular file, so not a .cow file")
            data = stream.read(MAX_COW_CHARS * 4 + 1)
    except OSError as error:
        raise FerrisUsageError(f"{where}: cannot read: {error.strerror or error}") from None
    except ValueError:  # a NUL in the name: no file can have it
        raise FerrisUsageError(f"{where}: cannot read: a file name holds no NUL") from None
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CowFileError(where, line, "not valid UTF-8 text") from None
    return parse_cow(source, where)

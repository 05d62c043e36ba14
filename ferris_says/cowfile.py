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

from ferris_says import inputs
from ferris_says.cowfile_parser import Parser
from ferris_says.cowfile_syntax import (
    COW_VARIABLES,
    MAX_COW_CHARS,
    MAX_NESTING,
    THE_COW,
    CowFile,
    CowFileError,
)
from ferris_says.errors import PATH_SHOWN, shown

__all__ = [
    "COW_VARIABLES",
    "MAX_COW_CHARS",
    "MAX_NESTING",
    "THE_COW",
    "CowFile",
    "CowFileError",
    "cow_named",
    "load_cow_file",
    "parse_cow",
]


def parse_cow(source: str, where: str) -> CowFile:
    """Parse the text of a .cow file; `where` names it in errors."""
    if len(source) > MAX_COW_CHARS:
        raise CowFileError(where, 1, f"larger than {MAX_COW_CHARS} characters: not a cow file")
    return Parser(source, where).program()


def cow_named(path: str) -> str:
    """How a clash with the run's files names a .cow file."""
    return f"the .cow file {shown(path, PATH_SHOWN)}"


def load_cow_file(path: str, where: str | None = None) -> CowFile:
    """Read and parse the .cow file at `path` through the input gate: a regular file of at most
    COW_MAX_BYTES, "too large" before a byte of it is decoded. Read errors name it as `where`
    (default ``character 'PATH'``), parse errors as ``PATH:LINE``."""
    parse_where = path
    where = where if where is not None else f"character {shown(path, PATH_SHOWN)}"
    data = inputs.read_file(path, inputs.COW, where, register=cow_named(path))
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CowFileError(parse_where, line, "not valid UTF-8 text") from None
    try:
        return parse_cow(source, parse_where)
    except RecursionError:  # no construct of the subset nests without a bound; kept as a net
        raise CowFileError(parse_where, 1, "nested too deeply to read") from None

"""The parsed form of a .cow file and how it is drawn: see ferris_says.cowfile."""

from __future__ import annotations

from ferris_says.errors import FerrisUsageError

# typing.TYPE_CHECKING would import typing; mypy honours this name too.
TYPE_CHECKING = False

#: The variables cowsay sets before it runs a .cow file.
COW_VARIABLES = ("thoughts", "eyes", "tongue")
#: cowsay sets $the_cow to "" before it runs the file.
THE_COW = "the_cow"
#: Perl's `$.`, the number of lines read last (calvin.cow's art meets it): cowsay read none
#: when the words are arguments (empty), or stdin's lines.
LINES_READ = "."
#: A .cow file, and any value it builds, larger than this is refused (no picture is this big;
#: `"x" x 1e12` must not eat the memory).
MAX_COW_CHARS = 1 << 18

#: Parentheses nest at most this deep (three-eyes.cow uses one level).
MAX_NESTING = 50


class CowFileError(FerrisUsageError):
    """A .cow file outside the subset: one line, ``FILE:LINE: what``."""

    def __init__(self, where: str, line: int, message: str):
        self.where = where
        self.line = line
        super().__init__(f"{where}:{line}: {message}")


# ---- the parsed program ------------------------------------------------------------------------
# Plain classes rather than dataclasses: ferris-cowsay loads this module at every start, and
# importing dataclasses (with inspect) and typing costs more than drawing the cow. A node is
# made once by the parser and never changed.


class Text:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Variable:
    __slots__ = ("name", "line")

    def __init__(self, name: str, line: int) -> None:
        self.name = name
        self.line = line


class Chop:
    __slots__ = ("name", "line")

    def __init__(self, name: str, line: int) -> None:
        self.name = name
        self.line = line


class Repeat:
    __slots__ = ("value", "count", "line")

    def __init__(self, value: Expression, count: int, line: int) -> None:
        self.value = value
        self.count = count
        self.line = line


class Concat:
    __slots__ = ("parts", "line")

    def __init__(self, parts: tuple[Expression, ...], line: int) -> None:
        self.parts = parts
        self.line = line


if TYPE_CHECKING:
    from typing import Union

    Expression = Union[Text, Variable, Chop, Repeat, Concat]


class Assignment:
    __slots__ = ("name", "append", "value", "line")

    def __init__(self, name: str, append: bool, value: Expression, line: int) -> None:
        self.name = name
        self.append = append
        self.value = value
        self.line = line


class CowFile:
    """A parsed .cow file; `draw` gives its $the_cow for some thoughts, eyes and tongue."""

    __slots__ = ("where", "statements", "uses")

    def __init__(
        self,
        where: str,
        statements: tuple[Assignment, ...],
        uses: frozenset[str] = frozenset(),
    ) -> None:
        self.where = where
        self.statements = statements
        self.uses = uses

    def draw(self, thoughts: str, eyes: str, tongue: str, lines_read: str = "") -> str:
        """$the_cow; `lines_read` is `$.`: "" when the words were arguments, else the number
        of lines cowsay read from stdin."""
        values = {
            "thoughts": thoughts,
            "eyes": eyes,
            "tongue": tongue,
            THE_COW: "",
            LINES_READ: lines_read,
        }
        for statement in self.statements:
            value = _evaluate(statement.value, values, self.where)
            if statement.append:
                value = _checked(values[statement.name] + value, self.where, statement.line)
            values[statement.name] = value
        return values[THE_COW]


def _checked(value: str, where: str, line: int) -> str:
    if len(value) > MAX_COW_CHARS:
        raise CowFileError(where, line, f"the value grows beyond {MAX_COW_CHARS} characters")
    return value


def _evaluate(expression: Expression, values: dict[str, str], where: str) -> str:
    if isinstance(expression, Text):
        return expression.text
    if isinstance(expression, Variable):
        return values[expression.name]
    if isinstance(expression, Chop):
        value = values[expression.name]
        values[expression.name] = value[:-1]
        return value[-1:]
    if isinstance(expression, Repeat):
        value = _evaluate(expression.value, values, where)
        if len(value) * expression.count > MAX_COW_CHARS:
            raise CowFileError(
                where, expression.line, f"the value grows beyond {MAX_COW_CHARS} characters"
            )
        return value * expression.count
    pieces: list[str] = []
    length = 0
    for part in expression.parts:
        piece = _evaluate(part, values, where)
        length += len(piece)
        if length > MAX_COW_CHARS:
            raise CowFileError(
                where, expression.line, f"the value grows beyond {MAX_COW_CHARS} characters"
            )
        pieces.append(piece)
    return "".join(pieces)

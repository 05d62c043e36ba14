"""The reader of the .cow subset (see ferris_says.cowfile): a recursive-descent parser over the
file's text that builds a CowFile and never evaluates anything."""

from __future__ import annotations

import bisect
import re

from ferris_says.cowfile_syntax import (
    COW_VARIABLES,
    LINES_READ,
    MAX_NESTING,
    THE_COW,
    Assignment,
    Chop,
    Concat,
    CowFile,
    CowFileError,
    Repeat,
    Text,
    Variable,
)

# typing.TYPE_CHECKING would import typing; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ferris_says.cowfile_syntax import Expression

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEREDOC = re.compile(
    r"<<(?:([A-Za-z_][A-Za-z0-9_]*)|\"([A-Za-z_][A-Za-z0-9_]*)\"|'([A-Za-z_][A-Za-z0-9_]*)')"
)
_NUMBER = re.compile(r"[0-9]{1,9}(?![0-9A-Za-z_])")
# Perl's backslash escapes that mean a control character.
_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "b": "\b", "a": "\a", "e": "\x1b"}
# Escapes whose Perl meaning (numbers, case changes, named characters) the subset leaves out.
_UNSUPPORTED_ESCAPES = frozenset("xcNo0123456789luLUQEF")
# After `@`, these start an array Perl would interpolate.
_ARRAY_START = re.compile(r"[A-Za-z0-9_:${+\-]|[^\x00-\x7f]")
# An array read as empty: a name (or digits) that neither cowsay nor Perl fills.
_ARRAY_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*|[0-9]+")
_FILLED_ARRAYS = frozenset(
    {"ARGV", "INC", "ISA", "EXPORT", "EXPORT_OK", "F", "message", "balloon_lines", "border"}
)
_SPECIAL = re.compile(r"[\\$@]")
_BRACED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PERL_BLANKS = " \t\n\r\f"


class Parser:
    """A recursive-descent reader of the subset; positions are offsets into the source."""

    def __init__(self, source: str, where: str):
        self.source = source
        self.where = where
        self.pos = 0
        # Set by `<<TAG`: the offset of this line's newline, and where to go on from it.
        self.jump: tuple[int, int] | None = None
        self.known = {*COW_VARIABLES, THE_COW, LINES_READ}
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", source)]
        self.depth = 0  # of parentheses: bounded, so no input exhausts Python's stack
        self.used: set[str] = set()

    # -- errors and positions --

    def line_at(self, pos: int) -> int:
        # A search in the line starts, not a count from the top: a file of many variables
        # would otherwise cost the square of its size.
        return bisect.bisect_right(self.line_starts, pos)

    def fail(self, message: str, pos: int | None = None) -> CowFileError:
        return CowFileError(self.where, self.line_at(self.pos if pos is None else pos), message)

    def outside(self, pos: int) -> CowFileError:
        snippet = self.source[pos : pos + 20].split("\n", 1)[0]
        return self.fail(
            f"{snippet!r} is outside the .cow subset ferris-says reads"
            " (only $the_cow = <<EOC ... and simple assignments; nothing is run)",
            pos,
        )

    # -- tokens --

    def skip_space(self) -> None:
        """Skip blanks, comments and newlines; the newline after `<<TAG` jumps over its body."""
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "\n":
                if self.jump is not None and self.jump[0] == self.pos:
                    self.pos = self.jump[1]
                    self.jump = None
                else:
                    self.pos += 1
            elif char in " \t\r\f":
                self.pos += 1
            elif char == "#":
                end = source.find("\n", self.pos)
                self.pos = len(source) if end < 0 else end
            else:
                return

    def heredoc_body(self, tag: str, start: int) -> tuple[str, int]:
        """The body of `<<TAG` (on the lines after this one, or after an earlier heredoc's
        body on this line) and where it starts; arranges for the newline to jump over it."""
        newline = self.source.find("\n", self.pos)
        if newline < 0:
            raise self.fail(f"no line {tag!r} ends the heredoc <<{tag}", start)
        body_start = self.jump[1] if self.jump is not None else newline + 1
        line_start = body_start
        while True:
            line_end = self.source.find("\n", line_start)
            line = self.source[line_start : len(self.source) if line_end < 0 else line_end]
            if line == tag:
                break
            if line_end < 0:
                raise self.fail(f"no line {tag!r} ends the heredoc <<{tag}", start)
            line_start = line_end + 1
        resume = len(self.source) if line_end < 0 else line_end + 1
        self.jump = (newline, resume)
        return self.source[body_start:line_start], body_start

    def peek(self, text: str) -> bool:
        return self.source.startswith(text, self.pos)

    def expect(self, text: str) -> None:
        self.skip_space()
        if not self.peek(text):
            raise self.outside(self.pos)
        self.pos += len(text)

    def identifier(self) -> str:
        match = _IDENTIFIER.match(self.source, self.pos)
        if match is None:
            raise self.outside(self.pos)
        self.pos = match.end()
        return match.group()

    def variable_name(self) -> str:
        """`$name` in code, the `$` already seen."""
        start = self.pos - 1
        name = self.identifier()
        if self.peek("::") or self.peek("[") or self.peek("{"):
            raise self.outside(start)
        return name

    def read(self, name: str, pos: int) -> str:
        if name not in self.known:
            raise self.fail(
                f"${name} is not a variable of the .cow subset"
                " ($thoughts, $eyes, $tongue, $the_cow or one the file assigned)",
                pos,
            )
        self.used.add(name)
        return name

    # -- statements --

    def program(self) -> CowFile:
        statements: list[Assignment] = []
        assigned_cow = False
        while True:
            self.skip_space()
            if self.pos >= len(self.source):
                break
            if self.peek(";"):
                self.pos += 1
                continue
            statement = self.assignment()
            statements.append(statement)
            assigned_cow = assigned_cow or statement.name == THE_COW
            self.skip_space()
            if self.pos < len(self.source):
                self.expect(";")
        if not assigned_cow:
            raise CowFileError(self.where, self.line_at(len(self.source)), "no $the_cow = ...")
        return CowFile(self.where, tuple(statements), frozenset(self.used))

    def assignment(self) -> Assignment:
        start = self.pos
        if not self.peek("$"):
            raise self.outside(start)
        self.pos += 1
        name = self.variable_name()
        self.skip_space()
        if self.peek(".="):
            append = True
            self.pos += 2
            self.read(name, start)
        elif self.peek("=") and not self.peek("=="):
            append = False
            self.pos += 1
        else:
            raise self.outside(self.pos)
        value = self.expression()
        self.known.add(name)
        return Assignment(name, append, value, self.line_at(start))

    def expression(self) -> Expression:
        start = self.pos
        parts = [self.term()]
        while True:
            self.skip_space()
            if self.peek(".") and not self.peek(".="):
                self.pos += 1
                parts.append(self.term())
            else:
                break
        return parts[0] if len(parts) == 1 else Concat(tuple(parts), self.line_at(start))

    def term(self) -> Expression:
        value = self.atom()
        while True:
            self.skip_space()
            if self.peek("x") and not _IDENTIFIER.match(self.source, self.pos + 1):
                at = self.pos
                self.pos += 1
                self.skip_space()
                match = _NUMBER.match(self.source, self.pos)
                if match is None:
                    raise self.outside(self.pos)
                self.pos = match.end()
                count = int(match.group())
                # `"a" x 2 x 3` is ("a" x 2) x 3: one Repeat, so no chain of them is deep.
                if isinstance(value, Repeat):
                    value = Repeat(value.value, value.count * count, value.line)
                else:
                    value = Repeat(value, count, self.line_at(at))
            else:
                return value

    def atom(self) -> Expression:
        self.skip_space()
        start = self.pos
        source = self.source
        if self.peek("$"):
            self.pos += 1
            return Variable(self.read(self.variable_name(), start), self.line_at(start))
        if self.peek("chop"):
            self.pos += 4
            self.expect("(")
            self.expect("$")
            name = self.read(self.variable_name(), start)
            self.expect(")")
            return Chop(name, self.line_at(start))
        if self.peek("("):
            if self.depth >= MAX_NESTING:
                raise self.fail(f"more than {MAX_NESTING} nested parentheses")
            self.pos += 1
            self.depth += 1
            value = self.expression()
            self.expect(")")
            self.depth -= 1
            return value
        match = _HEREDOC.match(source, self.pos)
        if match is not None:
            self.pos = match.end()
            tag = match.group(1) or match.group(2) or match.group(3)
            body, body_start = self.heredoc_body(tag, start)
            return Text(body) if match.group(3) else self.interpolate(body, body_start)
        match = _NUMBER.match(source, self.pos)
        if match is not None:
            self.pos = match.end()
            return Text(str(int(match.group())))
        if self.peek("'") or self.peek('"'):
            return self.quoted()
        raise self.outside(start)

    def quoted(self) -> Expression:
        quote = self.source[self.pos]
        start = self.pos + 1
        index = start
        while index < len(self.source):
            char = self.source[index]
            if char == "\\":
                index += 2
                continue
            if char == quote:
                break
            index += 1
        else:
            raise self.fail(f"no {quote} ends this string", self.pos)
        if self.jump is not None and self.jump[0] < index:
            raise self.fail("a string across a heredoc's body", self.pos)
        raw = self.source[start:index]
        self.pos = index + 1
        if quote == "'":
            return Text(re.sub(r"\\([\\'])", r"\1", raw))
        return self.interpolate(raw, start)

    # -- double-quote interpolation --

    def interpolate(self, raw: str, offset: int) -> Text | Concat:
        """Perl's double-quote rules over `raw`, which starts at `offset` in the source."""
        parts: list[Expression] = []
        text: list[str] = []
        index = 0
        while index < len(raw):
            char = raw[index]
            at = offset + index
            if char == "\\":
                escaped = raw[index + 1 : index + 2]
                if escaped in _CONTROL_ESCAPES:
                    text.append(_CONTROL_ESCAPES[escaped])
                elif escaped == "" or escaped in _UNSUPPORTED_ESCAPES:
                    raise self.fail(f"the escape \\{escaped} is outside the .cow subset", at)
                else:
                    text.append(escaped)
                index += 2
            elif char == "$" or (char == "@" and _ARRAY_START.match(raw, index + 1)):
                name, index = (
                    self.interpolated_variable(raw, index, at)
                    if char == "$"
                    else self.interpolated_array(raw, index, at)
                )
                if text:
                    parts.append(Text("".join(text)))
                    text = []
                if name is not None:
                    parts.append(Variable(self.read(name, at), self.line_at(at)))
            else:
                # Up to the next character Perl treats specially, in one piece.
                special = _SPECIAL.search(raw, index + 1)
                end = len(raw) if special is None else special.start()
                text.append(raw[index:end])
                index = end
        if text or not parts:
            parts.append(Text("".join(text)))
        if len(parts) == 1 and isinstance(parts[0], Text):
            return parts[0]
        return Concat(tuple(parts), self.line_at(offset))

    def interpolated_variable(self, raw: str, index: int, at: int) -> tuple[str | None, int]:
        """`$name`, `${name}` or `$.` at raw[index] (None: a variable that is always empty
        here); anything else Perl would do there is refused."""
        braced = _BRACED.match(raw, index + 1)
        if braced is not None:
            return braced.group(1), braced.end()
        # Perl allows blanks, newlines too, between `$` and the name.
        start = index + 1
        while start < len(raw) and raw[start] in _PERL_BLANKS:
            start += 1
        if raw.startswith(LINES_READ, start):
            # `$.`, the number of lines read last (calvin.cow's `@9@mmBmmmmmQM$` meets the next
            # line's `.` this way): CowFile.draw is told it.
            self.refuse_element(raw, index, start + 1, at)
            return LINES_READ, start + 1
        match = _IDENTIFIER.match(raw, start)
        if match is None:
            raise self.fail(
                f"{raw[index : index + 2]!r} is not $thoughts, $eyes or $tongue;"
                " write \\$ for a dollar sign",
                at,
            )
        self.refuse_element(raw, index, match.end(), at)
        return match.group(), match.end()

    def interpolated_array(self, raw: str, index: int, at: int) -> tuple[None, int]:
        """`@name`: Perl interpolates the array, empty unless cowsay or Perl filled it."""
        match = _ARRAY_NAME.match(raw, index + 1)
        if match is None or match.group() in _FILLED_ARRAYS:
            raise self.fail(
                f"{raw[index : index + 2]!r} interpolates a Perl array; write \\@ for an at sign",
                at,
            )
        self.refuse_element(raw, index, match.end(), at)
        return None, match.end()

    def refuse_element(self, raw: str, index: int, end: int, at: int) -> None:
        """After a name: an element, a slice, a package name or a dereference is not read."""
        after = raw[end : end + 2]
        element = after[:1] in ("[", "{") or (after == "->" and raw[end + 2 : end + 3] in "[{")
        package = after == "::" or (after[:1] == "'" and bool(_IDENTIFIER.match(after[1:])))
        if element or package or (after and not after[0].isascii()):
            raise self.fail(
                f"{raw[index : end + 2]!r}: only plain $name or ${{name}} is read in a .cow file",
                at,
            )

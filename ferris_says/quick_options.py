"""`ferris-says` and `ferris-thinks`' common options, read without click.

click takes longer to import than Python takes to start, and `ferris-says -c tux --color never
"hello there"` should start about as fast as Perl's cowsay. So a command line made only of what
`_option_table.OPTIONS` lists (every option of the click command but --help, --version and
--list-characters, each value of a choice or a width checked as click checks it) is read here,
by click's own rules: options anywhere among the words, ``--name=value``, ``-cVALUE``, bundled
flags (``-bd``), ``--`` ending the options, the last value winning. Anything else (an option or a
value the table does not take, a missing value, completion) is left to click, which reads it or
says what is wrong. Both build the same `Request`, with `request_from_options`.

`_option_table.py` is generated from the click command (`tools/generate_option_table.py`);
`tests/test_quick_options.py` checks that it still is, and that both paths agree.
"""

from __future__ import annotations

from ferris_says import _option_table as table
from ferris_says.request import Request

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

#: What `parse` answers for a command line it leaves to click.
TO_CLICK = None
_WIDTH_DIGITS = len(str(table.MAX_WIDTH))


def _value(kind: str, choices: tuple[str, ...], value: str) -> object:
    """`value` as click would convert it, or TO_CLICK when click must say what is wrong."""
    if kind == table.CHOICE:
        return value if value in choices else TO_CLICK
    if kind == table.WIDTH:
        # The width click takes without a word: ASCII digits, at most 2**64 - 1 (leading zeros
        # aside: Python's int() stops at 4300 digits).
        significant = value.lstrip("0") or "0"
        if not (value.isascii() and value.isdigit()) or len(significant) > _WIDTH_DIGITS:
            return TO_CLICK
        return TO_CLICK if int(significant) > table.MAX_WIDTH else int(significant)
    return value


def parse(args: Sequence[str], command: str) -> dict[str, Any] | None:
    """The values `command`'s click command would get from `args`, or TO_CLICK."""
    missing = table.NOT_IN.get(command, ())
    values: dict[str, Any] = dict(table.DEFAULTS)
    words: list[str] = []
    rest = list(args)
    rest.reverse()  # popped from the end: the next argument is rest[-1]
    while rest:
        arg = rest.pop()
        if arg == "--":
            words += reversed(rest)
            break
        if arg == "-" or not arg.startswith("-"):
            words.append(arg)
            continue
        if arg.startswith("--"):
            name, equals, inline = arg.partition("=")
            option = table.OPTIONS.get(name)
            if option is None or name in missing or (option[1] == table.FLAG and equals):
                return TO_CLICK
            found: list[tuple[tuple[str, str, tuple[str, ...]], str | None]] = [
                (option, inline if equals else None)
            ]
        else:
            found = []
            for at, letter in enumerate(arg[1:], start=2):
                option = table.OPTIONS.get("-" + letter)
                if option is None or "-" + letter in missing:
                    return TO_CLICK
                if option[1] != table.FLAG:
                    found.append((option, arg[at:] or None))
                    break
                found.append((option, None))
        for (dest, kind, choices), attached in found:
            if kind == table.FLAG:
                values[dest] = True
                continue
            if attached is None:
                if not rest:
                    return TO_CLICK  # click says the value is missing
                attached = rest.pop()
            value = _value(kind, choices, attached)
            if value is TO_CLICK:
                return TO_CLICK
            if dest in table.MULTIPLE:
                values[dest] = (*values[dest], value)
            else:
                values[dest] = value
    values[table.WORDS] = tuple(words)
    return values


def request_from_options(values: Mapping[str, Any], thinking: bool) -> Request:
    """The Request a command line's values make (click's, or `parse`'s): the same fields
    checked the same way on both paths. `thinking`: ferris-thinks, which always thinks."""
    chosen = [*values["mode"], *(name for name in table.MODES if values[f"mode_{name}"])]
    request = Request(
        words=values["words"],
        files=values["files"],
        width=values["width"],
        character=values["character"],
        think=thinking or values.get("think", False),
        eyes=values["eyes"],
        tongue=values["tongue"],
        mode=chosen[0] if chosen else None,
        random=values["random_character"],
        color=values["color"],
        bubble=values["bubble"],
        styles=[style for style in table.STYLES if values[style]],
        asset_key=values["asset_key"],
        verbose=values["verbose"],
        pipes_context=values["pipes_context"],
        pipes_messages=values["pipes_messages"],
        pipes_store=values["pipes_store"],
    )
    if chosen or request.asks_for_a_look:
        from ferris_says import looks  # the look's checks: where cowsay's options begin

        request = request.replace(mode=looks.choose_mode(None, chosen))
        looks.checked_look(looks.look_of(request))
    return request

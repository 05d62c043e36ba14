"""Shell completion: ``_FERRIS_SAYS_COMPLETE=bash_source ferris-says`` and the shells' requests.

click answers the completion; what the shell hands over is checked here first, so that a
request the shell would never make (no ``COMP_WORDS``, ``COMP_CWORD=abc``, an instruction that
is no shell's) is one line and exit 2, as a bad option is, instead of a traceback or a silent 1.
The answer is written as stdout always is (`streams.write_stdout`): a name that is not UTF-8
(a ``.cow`` file's in COWPATH) is left out with a line saying so, since the command could not
take it back as an argument.
"""

from __future__ import annotations

import os

from click.shell_completion import get_completion_class, split_arg_string

from ferris_says import environment, streams
from ferris_says.errors import EXIT_OK, VALUE_SHOWN, FerrisUsageError, quoted_list, shown

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import click

#: The shells completed for (docs/pages/completion.md), and whether their completion function
#: sets COMP_CWORD to the number of the word being completed (fish sets it to the word itself).
NUMBERED_WORD = {"bash": True, "zsh": True, "fish": False}
#: The two things a shell asks: the script to source, or the completions of a command line.
VERBS = ("source", "complete")
#: The largest word number taken (a command line of more words is no shell's).
MAX_WORD_DIGITS = 9


def shells() -> list[str]:
    """The shells this click can complete for."""
    return [shell for shell in NUMBERED_WORD if get_completion_class(shell) is not None]


def answer(command: click.Command, instruction: str, variable: str) -> int:
    """Answer the shell's ``instruction`` (``SHELL_source`` or ``SHELL_complete``, given in
    ``variable``) for ``command``; a malformed request is a FerrisUsageError naming the
    variable at fault."""
    shell, _, verb = instruction.partition("_")
    completer = get_completion_class(shell) if shell in NUMBERED_WORD else None
    if completer is None or verb not in VERBS:
        raise FerrisUsageError(
            f"{shown(instruction, VALUE_SHOWN)} is not a completion request: expected"
            f" SHELL_source or SHELL_complete, SHELL one of {', '.join(shells())}",
            where=variable,
        )
    comp = completer(command, {}, command.name or streams.PROG, variable)
    if verb == "source":
        streams.write_stdout(comp.source())
        return EXIT_OK
    args, incomplete = completion_args(NUMBERED_WORD[shell], variable)
    lines, left_out = [], []
    for item in comp.get_completions(args, incomplete):
        line = comp.format_completion(item)
        if is_utf8(line):
            lines.append(line)
        else:
            left_out.append(str(item.value))
    streams.write_stdout("\n".join(lines) + "\n")
    if left_out:
        note = "completion: left out what is not UTF-8, which no argument may be: "
        note += quoted_list(left_out)
        streams.write_trace(note)
    return EXIT_OK


def completion_args(numbered: bool, variable: str) -> tuple[list[str], str]:
    """(the complete words after the command's name, the word being completed), from the
    variables the shell's completion function sets with the request in ``variable``."""
    words = split_arg_string(
        _required(os.environ.get(environment.COMP_WORDS), environment.COMP_WORDS, variable)
    )
    current = _required(os.environ.get(environment.COMP_CWORD), environment.COMP_CWORD, variable)
    if not numbered:  # fish: the word itself, also last in COMP_WORDS
        incomplete = (split_arg_string(current) or [""])[0]
        args = words[1:]
        if incomplete and args and args[-1] == incomplete:
            args.pop()
        return args, incomplete
    if not (current.isascii() and current.isdigit() and len(current) <= MAX_WORD_DIGITS):
        raise FerrisUsageError(
            f"{shown(current, VALUE_SHOWN)} is not the number of a word (the shell's completion"
            " function sets it)",
            where=environment.COMP_CWORD,
        )
    number = int(current)
    return words[1:number], words[number] if number < len(words) else ""


def _required(value: str | None, name: str, request: str) -> str:
    """The value of the variable ``name``, which the shell's completion function sets with
    the request (in the variable ``request``)."""
    if value is None:
        raise FerrisUsageError(
            f"not set, while {request} asks to complete a command line (the"
            " shell's completion function sets both)",
            where=name,
        )
    return value


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

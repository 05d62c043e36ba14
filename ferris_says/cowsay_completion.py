"""Shell completion for `ferris-cowsay` and `ferris-cowthink`, through click's protocol.

The drop-in reads its command line with `getopts`, not click; to answer the shell it builds a
click command from the same table (`cowsay_options.OPTIONS`) and lets click's completion read the
words typed so far: `-<TAB>` lists the options, `-f <TAB>` the cows (a path completes as a
file). Loaded only when the shell asks (`_FERRIS_COWSAY_COMPLETE` set).
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem

from ferris_says import completion, cowsay_options, cowsay_run, environment


def complete_cow(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """`-f <TAB>`: the cows every directory and the built-in cast have; a path, files."""
    if "/" in incomplete:
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(name) for name in cowsay_run.all_cows() if name.startswith(incomplete)]


def completion_command(program: str) -> click.Command:
    """A click command with the drop-in's options, for completion only (it never runs)."""
    params: list[click.Parameter] = []
    for index, option in enumerate(cowsay_options.OPTIONS):
        # A name of its own for each: click would call both -l and -L "l".
        declarations = [option.name, f"option_{index}"]
        if option.metavar is None:
            params.append(click.Option(declarations, is_flag=True, help=option.help))
        else:
            complete = complete_cow if option.name == "-f" else None
            params.append(
                click.Option(
                    declarations, metavar=option.metavar, help=option.help, shell_complete=complete
                )
            )
    params.append(click.Argument(["message"], nargs=-1))
    return click.Command(
        program,
        params=params,
        help=cowsay_options.summary(program),
        add_help_option=False,  # --help is the table's own
    )


def complete(program: str) -> int:
    """Answer the shell's request in the completion variable, checked as every command's is
    (`completion.answer`); the exit status."""
    variable = environment.COMPLETE_VARIABLES[program]
    instruction = environment.completion_request(program) or ""
    return completion.answer(completion_command(program), instruction, variable)

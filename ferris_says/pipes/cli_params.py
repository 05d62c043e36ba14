"""Pipes params from the command line: ``--dagster-pipes-context``, ``--dagster-pipes-messages``.

The same decoding and the same checks as the environment variables (``FerrisParamsLoader``);
the errors name the argument instead of the variable. Nothing falls back: Dagster gives both
arguments or neither, and a command line that gives one is a mistake to report.
"""

from __future__ import annotations

from typing import Any, Callable

from ferris_says.errors import FerrisError
from ferris_says.pipes import CONTEXT_VAR, MESSAGES_VAR
from ferris_says.pipes.bootstrap import ARG_FOR_VAR, PipesBootstrap
from ferris_says.pipes.params import FerrisParamsLoader


def renamed(message: str, var: str, arg: str) -> str:
    """An error about ``var`` (it starts with the variable's name) told about ``arg``."""
    return arg + message[len(var) :] if message.startswith(var) else message


class FerrisCliParamsLoader(FerrisParamsLoader):
    """FerrisParamsLoader over the two arguments' values instead of the environment."""

    def __init__(self, context_arg: str | None, messages_arg: str | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call, unused-ignore]
        given = ((CONTEXT_VAR, context_arg), (MESSAGES_VAR, messages_arg))
        # Keyed by the variables' names: dagster-pipes' own decode reads the mapping by them.
        self._mapping = {var: value for var, value in given if value is not None}

    def _decode(self, var: str, fallback: str, decode: Callable[[], Any]) -> Any:
        arg = ARG_FOR_VAR[var]
        if var not in self._mapping:
            other = ARG_FOR_VAR[MESSAGES_VAR if var == CONTEXT_VAR else CONTEXT_VAR]
            raise FerrisError(f"{arg}: not given, while {other} is; Dagster gives both")
        try:
            params = super()._decode(var, fallback, decode)  # type: ignore[no-untyped-call, unused-ignore]
        except FerrisError as exc:
            raise FerrisError(renamed(str(exc), var, arg)) from None
        self.sources[var] = arg
        return params


def params_loader(bootstrap: PipesBootstrap | None) -> FerrisParamsLoader:
    """The command line's params when it gave them (it wins over the environment, as a whole),
    else the environment's with the ./fake_temp/ fallback."""
    if bootstrap is not None and bootstrap.from_command_line:
        return FerrisCliParamsLoader(bootstrap.context_arg, bootstrap.messages_arg)
    return FerrisParamsLoader()  # type: ignore[no-untyped-call, unused-ignore]

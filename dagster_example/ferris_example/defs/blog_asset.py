"""The blog's Dagster asset, running the installed ``ferris-says`` through Dagster Pipes.

The asset and the resource are the blog post's, word for word; only the path to the command
differs (``ferris_says_path`` instead of ``rust_binary_path``). Plain Dagster, no components:
the components loader picks up its ``Definitions`` from this ``defs/`` folder, and the Dagster
1.8.4 tests (``make test-dagster-1.8``) load this file on its own.
"""

import os
import shutil
import sys

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    Definitions,
    MaterializeResult,
    PipesSubprocessClient,
    PipesTempFileContextInjector,
    PipesTempFileMessageReader,
    asset,
)


def ferris_says_path() -> str:
    """The installed ``ferris-says``: next to this Python first (a virtualenv), else on PATH."""
    here = os.path.dirname(sys.executable)
    for name in ("ferris-says", "ferris-says.exe"):
        candidate = os.path.join(here, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("ferris-says")
    if found is None:
        raise FileNotFoundError(
            "ferris-says is not installed next to this Python nor on PATH;"
            " `pip install -e .` in the ferris-says checkout (or `make .venv/.installed`)"
        )
    return found


@asset(
    check_specs=[
        AssetCheckSpec(name="ferris_should_say_something", asset="ferris"),
        AssetCheckSpec(name="ferris_should_speak_3_words", asset="ferris"),
    ],
)
def ferris(
    context: AssetExecutionContext,
    pipes_subprocess_client: PipesSubprocessClient,
) -> MaterializeResult:
    cmd = [
        ferris_says_path(),  # the installed ferris-says
        "'Say, say, say'",
    ]
    return pipes_subprocess_client.run(command=cmd, context=context).get_materialize_result()


defs = Definitions(
    assets=[ferris],
    resources={
        "pipes_subprocess_client": PipesSubprocessClient(
            context_injector=PipesTempFileContextInjector(),
            message_reader=PipesTempFileMessageReader(),
        ),
    },
)

"""Every environment variable ferris-says reads: one registry, which the modules import names from.

A variable is an input like an option: `tests/test_surfaces.py` gives each one hostile values,
and fails when the package reads a variable that is not here (it finds every ``os.environ`` read
in the source), or when one is here that its table does not cover.

Constants, and the one reader of the completion requests: the plain shell path loads this
module, so it imports nothing but `os` (loaded with Python itself).
"""

from __future__ import annotations

import os

# ---- ours ------------------------------------------------------------------------------------
#: Colour (no-color.org, force-color.org), read by `color.py`; rich reads them too.
NO_COLOR = "NO_COLOR"
FORCE_COLOR = "FORCE_COLOR"
#: `dumb` or `unknown`: no colour with --color auto.
TERM = "TERM"
#: Directories of .cow files, searched for --character NAME.
COWPATH = "COWPATH"
#: Makes --random repeatable.
SEED = "FERRIS_SAYS_SEED"
#: Which blob store holds the Pipes params, as --pipes-store.
PIPES_STORE = "FERRIS_SAYS_PIPES_STORE"
#: Dagster Pipes' params (dagster-pipes reads them by these names too).
PIPES_CONTEXT = "DAGSTER_PIPES_CONTEXT"
PIPES_MESSAGES = "DAGSTER_PIPES_MESSAGES"
#: click's shell-completion request (`_FERRIS_SAYS_COMPLETE=bash_source ferris-says`), and the
#: command line being completed, which the shell's completion function sets.
COMPLETE = "_FERRIS_SAYS_COMPLETE"
#: The same request to ferris-thinks, ferris-cowsay and ferris-cowthink: each command has its own.
THINKS_COMPLETE = "_FERRIS_THINKS_COMPLETE"
COWSAY_COMPLETE = "_FERRIS_COWSAY_COMPLETE"
COWTHINK_COMPLETE = "_FERRIS_COWTHINK_COMPLETE"
COMP_WORDS = "COMP_WORDS"
COMP_CWORD = "COMP_CWORD"


#: Each command's completion variable, as click names it (`_<PROGRAM>_COMPLETE`).
COMPLETE_VARIABLES = {
    "ferris-says": COMPLETE,
    "ferris-thinks": THINKS_COMPLETE,
    "ferris-cowsay": COWSAY_COMPLETE,
    "ferris-cowthink": COWTHINK_COMPLETE,
}


def completion_request(program: str) -> str | None:
    """What the shell asks ``program`` to complete (its completion variable), if it asks."""
    return os.environ.get(COMPLETE_VARIABLES[program])

# ---- the blob stores' settings, read by `pipes/stores/` when a store is chosen ------------------
AZURE_CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING"
AZURE_ACCOUNT_URL = "AZURE_STORAGE_ACCOUNT_URL"
AWS_MAX_ATTEMPTS = "AWS_MAX_ATTEMPTS"
AWS_RETRY_MODE = "AWS_RETRY_MODE"

#: Read by rich when it colours the picture or an error line: the terminal's size and kind.
RICH_VARIABLES = (
    "COLUMNS",
    "LINES",
    "COLORTERM",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
)

#: Every variable the command reads, its own and its libraries' on its behalf.
VARIABLES = (
    NO_COLOR,
    FORCE_COLOR,
    TERM,
    COWPATH,
    SEED,
    PIPES_STORE,
    PIPES_CONTEXT,
    PIPES_MESSAGES,
    COMPLETE,
    THINKS_COMPLETE,
    COWSAY_COMPLETE,
    COWTHINK_COMPLETE,
    COMP_WORDS,
    COMP_CWORD,
    AZURE_CONNECTION_STRING,
    AZURE_ACCOUNT_URL,
    AWS_MAX_ATTEMPTS,
    AWS_RETRY_MODE,
    *RICH_VARIABLES,
)

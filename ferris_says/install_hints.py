"""How to install one of ferris-says' extras, said the same way by --help, the manual page and
the errors that need an extra.

ferris-says is on no package index yet, so an extra comes from a clone (`.[s3]`) or from the
wheel `make dist` builds; `ferris-says[s3]` will work once the package is published.
"""

from __future__ import annotations

from ferris_says import __version__

WHEEL = f"dist/ferris_says-{__version__}-py3-none-any.whl"


def extra_install(extra: str) -> str:
    """The `pip install` of one extra, from a clone or from the wheel, on one line."""
    return f"pip install '.[{extra}]' in a clone, or '{WHEEL}[{extra}]'"

"""What `--random` and `--aurora` draw with, for every command: FERRIS_SAYS_SEED makes it
repeatable. `random` is imported when one of them is asked for, not before."""

from __future__ import annotations

from ferris_says import environment, inputs

# typing.TYPE_CHECKING would import typing; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import random


def chooser() -> random.Random:
    """The system's randomness, or a generator seeded by FERRIS_SAYS_SEED's bytes (whatever
    they are: `random.seed` would encode a str to UTF-8, which a surrogate escape cannot be; for
    UTF-8 text the choices are the same)."""
    import random  # only when --random or --aurora is asked for

    seed = inputs.environ_bytes(environment.SEED)
    return random.SystemRandom() if seed is None else random.Random(seed)

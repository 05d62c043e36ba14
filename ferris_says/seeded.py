"""What `--random` and `--aurora` draw with, for every command: FERRIS_SAYS_SEED makes it
repeatable. `random` is imported here, on those options only."""

from __future__ import annotations

import os
import random

from ferris_says import environment


def chooser() -> random.Random:
    """The system's randomness, or a generator seeded by FERRIS_SAYS_SEED's bytes (whatever
    they are: `random.seed` would encode a str to UTF-8, which a surrogate escape cannot be; for
    UTF-8 text the choices are the same)."""
    seed = os.environ.get(environment.SEED)
    return random.SystemRandom() if seed is None else random.Random(os.fsencode(seed))

"""How many examples hypothesis tries: a tenth in `make test`, all of them everywhere else.

`make test` runs pytest with `--hypothesis-profile=quick`; `make test-slow`, `make check` (so
CI) and pytest run by hand try every example. A test that sets its own count writes it as
`settings(max_examples=examples(1500))`: an explicit count overrides any profile, so it is
scaled here as the loaded profile scales hypothesis' own default. The profiles inherit what
was loaded when this module was imported (hypothesis' `ci` profile under CI=true).
tests/conftest.py loads this module as a plugin, before any test module is imported.
"""

from __future__ import annotations

from hypothesis import settings

QUICK = "quick"
ALL = "all"
#: Hypothesis' own default count, which every explicit count in the tests is relative to.
HYPOTHESIS_DEFAULT = 100
#: A tenth: enough to catch most breakage in the loop a contributor waits on.
QUICK_EXAMPLES = HYPOTHESIS_DEFAULT // 10
#: A test with an explicit count tries at least this many (or its own count, if lower).
FLOOR = 3

settings.register_profile(QUICK, max_examples=QUICK_EXAMPLES)
settings.register_profile(ALL)


def examples(count: int, profile: settings | None = None) -> int:
    """``count`` examples under the full profiles; scaled down, to FLOOR at least, under quick.
    ``profile``: the loaded one unless given."""
    loaded = (profile or settings()).max_examples
    return max(min(count, FLOOR), count * loaded // HYPOTHESIS_DEFAULT)

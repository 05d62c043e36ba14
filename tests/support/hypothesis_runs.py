"""Hypothesis settings for the tests whose every example starts a process (the installed command,
real Dagster): no deadline, since a process start takes what a shared machine gives it, and
neither health check that such an example trips (too slow; a function-scoped fixture such as
tmp_path, which those tests only read or make fresh folders under). The count is scaled by the
loaded profile (`hypothesis_profiles.examples`): a tenth in `make test`."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from support.hypothesis_profiles import examples


def process_runs(max_examples: int) -> settings:
    return settings(
        max_examples=examples(max_examples),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )

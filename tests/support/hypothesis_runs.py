"""Hypothesis settings for the tests whose every example starts a process (the installed command,
real Dagster): no deadline, since a process start takes what a shared machine gives it, and
neither health check that such an example trips (too slow; a function-scoped fixture such as
tmp_path, which those tests only read or make fresh folders under)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def process_runs(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )

"""The exceptions a Pipes process sent in ``closed``, as Dagster's event log holds them."""

from __future__ import annotations

from dagster import DagsterEventType, DagsterInstance


def closed_exceptions(instance: DagsterInstance, run_id: str) -> list[str]:
    """The message of each exception reported through ``closed`` in this run."""
    found = []
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        if event is None or "closed with exception" not in (event.message or ""):
            continue
        error = getattr(event.event_specific_data, "error", None)  # an engine event's error
        if error is not None:
            found.append(str(error.message))
    return found

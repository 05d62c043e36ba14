"""What a finished Dagster run recorded, read back from its instance; shared by the tests that
run real Dagster (subprocess, component, container)."""

from __future__ import annotations

from dagster import DagsterEventType


def materialization(result, key: str = "ferris"):
    [mat] = result.asset_materializations_for_node(key)
    return mat


def data_version(mat) -> str:
    return mat.tags["dagster/data_version"]


def check_evaluations(instance, result) -> dict:
    """check name -> its AssetCheckEvaluation."""
    entries = instance.all_logs(result.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    return {
        e.dagster_event.event_specific_data.check_name: e.dagster_event.event_specific_data
        for e in entries
    }


def user_messages(instance, result) -> list[str]:
    return [entry.user_message for entry in instance.all_logs(result.run_id)]

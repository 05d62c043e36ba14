"""What a finished Dagster run recorded, read back from its instance; shared by the tests that
run real Dagster (subprocess, component, container)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from dagster import DagsterEventType

if TYPE_CHECKING:  # Dagster 1.8.4 (make test-dagster-1.8) exports no AssetCheckEvaluation
    from dagster import (
        AssetCheckEvaluation,
        AssetMaterialization,
        DagsterInstance,
        ExecuteInProcessResult,
    )


def materialization(result: ExecuteInProcessResult, key: str = "ferris") -> AssetMaterialization:
    [mat] = result.asset_materializations_for_node(key)
    return mat


def data_version(mat: AssetMaterialization) -> str:
    assert mat.tags is not None, "a materialization reported through Pipes has tags"
    return mat.tags["dagster/data_version"]


def check_evaluations(
    instance: DagsterInstance, result: ExecuteInProcessResult
) -> dict[str, AssetCheckEvaluation]:
    """check name -> its AssetCheckEvaluation."""
    entries = instance.all_logs(result.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations: dict[str, AssetCheckEvaluation] = {}
    for entry in entries:
        assert entry.dagster_event is not None, entry
        # of_type= above asks for check evaluations only
        evaluation = cast("AssetCheckEvaluation", entry.dagster_event.event_specific_data)
        evaluations[evaluation.check_name] = evaluation
    return evaluations


def user_messages(instance: DagsterInstance, result: ExecuteInProcessResult) -> list[str]:
    return [entry.user_message for entry in instance.all_logs(result.run_id)]


def markdown_picture(markdown: object) -> str:
    """The picture inside the ``ferris`` metadata's code fence."""
    assert isinstance(markdown, str), markdown
    lines = markdown.splitlines(keepends=True)
    assert lines[0] == "```text\n" and lines[-1] == "```\n", markdown
    return "".join(lines[1:-1])

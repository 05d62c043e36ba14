"""Materialize the example's assets with the ``dagster`` CLI, then print what Dagster recorded.

    python dagster_example/demo.py        (what ``make dagster-demo`` runs)

The example is a Dagster components project: ``ferris`` is the blog's asset (``defs/blog_asset.py``)
and ``ferris_from_yaml`` a FerrisSaysComponent (``defs/ferris_from_yaml/defs.yaml``); one run
materializes both. A throw-away DAGSTER_HOME keeps your own Dagster instance untouched. Exit
status: 0 when the run succeeded, 1 otherwise.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The components project's code location, imported from its own folder (not installed).
TARGET = ["-m", "ferris_example.definitions", "-d", HERE]
ASSETS = ["ferris", "ferris_from_yaml"]


def dagster_cli() -> str:
    beside = os.path.join(os.path.dirname(sys.executable), "dagster")
    return beside if os.path.exists(beside) else "dagster"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ferris-dagster-home-") as home:
        open(os.path.join(home, "dagster.yaml"), "w").close()  # defaults, and no warning
        env = dict(os.environ, DAGSTER_HOME=home)
        command = [dagster_cli(), "asset", "materialize", *TARGET, "--select", ",".join(ASSETS)]
        print("$ DAGSTER_HOME=" + home, " ".join(command), flush=True)
        completed = subprocess.run(command, env=env, check=False)
        os.environ["DAGSTER_HOME"] = home
        return report(completed.returncode)


def report(returncode: int) -> int:
    from dagster import AssetKey, DagsterEventType, DagsterInstance

    with DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        print()
        if not runs:
            print(f"no run was recorded (dagster exited with {returncode})")
            return 1
        run = runs[0]
        print(f"run {run.run_id}: {run.status.value}")
        for entry in instance.all_logs(run.run_id):
            if entry.user_message in ("ferris will now speak", "ferris spoke"):
                print(f"  log: {entry.user_message}")
            event = entry.dagster_event
            error = getattr(getattr(event, "event_specific_data", None), "error", None)
            if event is not None and "closed with exception" in (event.message or "") and error:
                print(f"  ferris-says failed: {error.message.strip()}")
        checks = instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        materialized = 0
        for asset in ASSETS:
            print(f"\n{asset}:")
            for entry in checks:
                evaluation = entry.dagster_event.event_specific_data
                if evaluation.asset_key != AssetKey(asset):
                    continue
                outcome = "passed" if evaluation.passed else "FAILED"
                metadata = {k: v.value for k, v in evaluation.metadata.items()}
                severity = evaluation.severity.value
                print(f"  check {evaluation.check_name} ({severity}): {outcome} {metadata}")
            event = instance.get_latest_materialization_event(AssetKey(asset))
            if event is not None and event.run_id == run.run_id:
                materialized += 1
                materialization = event.asset_materialization
                version = materialization.tags.get("dagster/data_version")
                print(f"  materialized {asset}, data_version {version}")
                print(f"  ferris_said: {materialization.metadata['ferris_said'].value}")
                print(materialization.metadata["ferris"].value)
        ok = run.status.value == "SUCCESS" and returncode == 0 and materialized == len(ASSETS)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

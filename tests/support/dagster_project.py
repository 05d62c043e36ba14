"""A Dagster components project written to tmp_path, and how the tests load, materialize and
`dg` it: shared by the tests of FerrisSaysComponent."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from pytest import MonkeyPatch

from ferris_says.dagster import FerrisSaysComponent
from support.run_command import CLEAN_ENV

DG = str(Path(sys.executable).with_name("dg"))
TYPE = "ferris_says.dagster.FerrisSaysComponent"


def materialize(
    instance: dg.DagsterInstance, defs: dg.Definitions, key: str, **kwargs: Any
) -> tuple[dg.ExecuteInProcessResult, dg.AssetMaterialization]:
    assets_def = defs.resolve_assets_def(dg.AssetKey.from_user_string(key))
    result = dg.materialize([assets_def], instance=instance, **kwargs)
    assert result.success
    [mat] = result.asset_materializations_for_node(assets_def.node_def.name)
    return result, mat


def error_chain(error: BaseException) -> str:
    """Every message in an exception's chain: Dagster wraps the located error in its own."""
    messages = []
    link: BaseException | None = error
    while link is not None:
        messages.append(str(link))
        link = link.__cause__ or link.__context__
    return "\n".join(messages)


class Project:
    """A fresh Dagster components project in tmp_path: pyproject.toml, a package, defs/."""

    def __init__(self, root: Path, monkeypatch: MonkeyPatch) -> None:
        self.root = root
        # A new module name each time: Python caches imported modules by name.
        self.module = "ferris_project_" + uuid.uuid4().hex[:8]
        package = root / self.module
        (package / "defs").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "defs" / "__init__.py").write_text("")
        (package / "definitions.py").write_text(
            textwrap.dedent(
                """\
                from pathlib import Path

                import dagster as dg


                @dg.definitions
                def defs():
                    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
                """
            )
        )
        (root / "pyproject.toml").write_text(
            textwrap.dedent(
                f"""\
                [project]
                name = "{self.module}"
                version = "0.1.0"

                [tool.dg]
                directory_type = "project"

                [tool.dg.project]
                root_module = "{self.module}"
                """
            )
        )
        monkeypatch.syspath_prepend(str(root))
        self.defs = package / "defs"

    def add(self, name: str, attributes: str) -> Path:
        folder = self.defs / name
        folder.mkdir()
        path = folder / "defs.yaml"
        path.write_text(f"type: {TYPE}\nattributes:\n{textwrap.indent(attributes, '  ')}")
        return path

    def load(self) -> dg.Definitions:
        return dg.load_from_defs_folder(path_within_project=self.root)

    def load_error(self) -> str:
        """Loads the project, which must fail: every message in Dagster's error chain."""
        with pytest.raises(Exception) as info:
            self.load()
        return error_chain(info.value)

    def refused_at_load(self, attributes: str, *says: str, line: int | None = None) -> Path:
        """Adds a component of these attributes, whose load must fail with a message naming
        its defs.yaml (at that line, if given) and saying each of `says`."""
        path = self.add("bad", attributes)
        message = self.load_error()
        for part in (str(path) if line is None else f"{path}:{line}", *says):
            assert part in message, message
        return path

    def components(self) -> list[FerrisSaysComponent]:
        """The FerrisSaysComponents Dagster loaded from the YAML, before any definitions."""
        tree = dg.ComponentTree.for_project(self.root)
        return tree.get_all_components(of_type=FerrisSaysComponent)


# ---- dg -------------------------------------------------------------------------------------


def dg_command(
    args: Sequence[str], cwd: Path, dagster_home: Path, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    env = {**CLEAN_ENV, "DAGSTER_HOME": str(dagster_home), "NO_COLOR": "1", "COLUMNS": "200"}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        [DG, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar holding ``text`` exactly (\\0, \\uD800 and all)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif not ch.isprintable() or ch == "\ufeff":  # YAML takes no raw controls (C0, C1)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'

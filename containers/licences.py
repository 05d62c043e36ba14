"""Lists the licence of every Python package in this environment and copies their licence texts.

Run by the Dockerfile in the image's virtualenv once its packages are installed:
``python licences.py DIR`` writes DIR/PACKAGES.txt (one line a package: name, version, licence
as the package's own metadata declares it) and DIR/<package>/ with each package's licence files
from its dist-info (cowsay's GPL-3.0 text among them). Generated at build time, never typed.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import sys
from pathlib import Path


def first(meta: importlib.metadata.PackageMetadata, field: str) -> str:
    values = meta.get_all(field) or []
    return str(values[0]) if values else ""


def declared_licence(dist: importlib.metadata.Distribution) -> str:
    meta = dist.metadata
    expression = first(meta, "License-Expression")
    if expression:
        return expression
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    text = first(meta, "License").strip()
    if text and len(text) <= 80 and "\n" not in text:
        classifiers.insert(0, text)
    return "; ".join(dict.fromkeys(classifiers)) or "not declared in the package's metadata"


def licence_files(dist: importlib.metadata.Distribution) -> list[Path]:
    names = [str(f) for f in dist.files or []]
    wanted = [
        n
        for n in names
        if ".dist-info/" in n
        and any(key in n.rsplit("/", 1)[-1].upper() for key in ("LICEN", "COPYING", "NOTICE"))
    ]
    return [Path(str(dist.locate_file(n))) for n in wanted]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for dist in sorted(
        importlib.metadata.distributions(), key=lambda d: d.metadata["Name"].lower()
    ):
        name = dist.metadata["Name"]
        rows.append(f"{name} {dist.version}: {declared_licence(dist)}")
        for path in licence_files(dist):
            target = out / name / path.name
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, target)
    (out / "PACKAGES.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

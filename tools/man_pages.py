"""The manual pages the wheel carries: one per console script of pyproject.toml, in man/man1/.

    python tools/man_pages.py man/man1        (what `make man` runs)

Each page is written by ferris_says.manpage from the command's own help text. The pages are
committed, so that building the sdist or the wheel needs nothing but setuptools (pyproject.toml's
`data-files` puts them under share/man/man1, where man finds them beside the installed command);
tests/test_project.py checks that every console script has its page and that each committed page
is what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "man" / "man1"
SECTION = "1"


def console_scripts() -> list[str]:
    """The commands pyproject.toml installs, as [project.scripts] names them."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - the tools run on the host's Python
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return sorted(project["scripts"])


def pages() -> dict[str, str]:
    """File name -> text, one page per console script."""
    from ferris_says import manpage

    return {f"{command}.{SECTION}": manpage.render(command) for command in console_scripts()}


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else PAGES
    out.mkdir(parents=True, exist_ok=True)
    written = pages()
    for stale in set(path.name for path in out.glob(f"*.{SECTION}")) - set(written):
        (out / stale).unlink()
    for name, text in written.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"man pages: {', '.join(sorted(written))} in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The project's own habits: what the wheel holds, the changelog and the version agree.

These read the source tree (pyproject.toml, CHANGELOG.md, changelog.d/, the package's files), so
`make test-pythons`, which tests the installed wheel without the sources, leaves them out.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import man_pages
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ferris_says
from ferris_says import install_hints

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the host runs 3.11 or later; make test-pythons skips this module
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ferris_says"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TOWNCRIER = PYPROJECT["tool"]["towncrier"]
FRAGMENT_TYPES = {kind["directory"] for kind in TOWNCRIER["type"]}
FRAGMENTS = ROOT / TOWNCRIER["directory"]
CHANGELOG = ROOT / TOWNCRIER["filename"]
# What a fragment directory may hold besides fragments.
NOT_FRAGMENTS = {".gitkeep"}
# A released section's heading, as `title_format` writes it.
RELEASE_HEADING = re.compile(r"^## (\d+\.\d+\.\d+\S*) \((\d{4}-\d{2}-\d{2})\)$", re.MULTILINE)
# Whatever the wheel holds besides the package's modules: its metadata and the PEP 561 marker.
PACKAGE_DATA = {"ferris_says/py.typed"}
# Where the wheel's data files go, relative to the environment it is installed in.
WHEEL_DATA = f"ferris_says-{ferris_says.__version__}.data/data/"
MAN_DIR = "share/man/man1/"


# ---- the wheel ---------------------------------------------------------------------------------
# Building it takes pip seconds (an isolated build environment): the tests that read it are
# marked slow (`make test-slow`); `make test` checks the sources it is built from.


def runtime_modules() -> set[str]:
    """Every module of the package in the source tree, as wheel paths."""
    return {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py")}


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Build the wheel from a clean copy of the tracked sources (a stale build/ would leak old
    files into it) and list its files."""
    source = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, tracked):
        path = ROOT / os.fsdecode(name)
        if path.is_file():
            (source / path.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source / path.relative_to(ROOT))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("ferris_says-*.whl")
    assert wheel.name == Path(install_hints.WHEEL).name  # what --help and the errors name
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


@pytest.mark.slow
def test_wheel_holds_the_package_modules_its_man_pages_and_nothing_else(
    wheel_files: list[str],
) -> None:
    metadata = [name for name in wheel_files if name.split("/")[0].endswith(".dist-info")]
    assert {name.split("/")[0] for name in metadata} == {
        f"ferris_says-{ferris_says.__version__}.dist-info"
    }
    data = {name for name in wheel_files if name.startswith(WHEEL_DATA)}
    assert data == {WHEEL_DATA + MAN_DIR + name for name in man_pages.pages()}
    shipped = set(wheel_files) - set(metadata) - data
    assert shipped == runtime_modules() | PACKAGE_DATA


# ---- the manual pages --------------------------------------------------------------------------


def test_every_console_script_has_its_man_page() -> None:
    scripts = set(PYPROJECT["project"]["scripts"])
    assert scripts == set(man_pages.console_scripts())
    assert {name.removesuffix(".1") for name in man_pages.pages()} == scripts


def test_the_committed_man_pages_are_what_make_man_writes() -> None:
    committed = {
        path.name: path.read_text(encoding="utf-8") for path in man_pages.PAGES.glob("*.1")
    }
    stale = sorted(name for name, text in man_pages.pages().items() if committed.get(name) != text)
    assert not stale, f"run `make man`: {stale} differ from what the commands' help writes"
    assert set(committed) == set(man_pages.pages()), "a page for no command: `make man` removes it"


@pytest.mark.slow
def test_wheel_holds_no_development_tool(wheel_files: list[str]) -> None:
    names = {Path(name).name for name in wheel_files}
    tools = {path.name for path in (ROOT / "tools").glob("*.py")}
    assert tools and not names & tools
    assert not [name for name in names if "generate" in name]
    assert not [n for n in wheel_files if n.split("/")[0] in {"tests", "tools", "dagster_example"}]


def test_no_module_of_the_package_is_a_development_tool() -> None:
    # The generators read the crates' dumps and Debian's Unicode files; none of that belongs in
    # what users install.
    for module in runtime_modules():
        text = (ROOT / module).read_text(encoding="utf-8")
        assert "LINEBREAK_TXT" not in text and "WIDTH_DUMP" not in text, module


# A wheel's name with a version in it (the release checklist's X.Y.Z is no version).
WHEEL_NAMED = re.compile(r"ferris_says-(\d[^-\s'\"`]*)-py3-none-any\.whl")


def test_the_docs_name_the_wheel_of_this_version() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs" / "pages").glob("**/*.md"))]
    named = {
        page.name: set(WHEEL_NAMED.findall(page.read_text(encoding="utf-8"))) for page in pages
    }
    assert set().union(*named.values()), "no page names the wheel"
    assert {name: versions - {ferris_says.__version__} for name, versions in named.items()} == {
        name: set() for name in named
    }


# ---- the Makefile ------------------------------------------------------------------------------

# What CI ran before `make check` gathered it: none of it may drop out.
CI_TARGETS = [
    "lint",
    "test",
    "docs",
    "docs-check",
    "test-docs-slow",
    "dg-check",
    "test-dagster-matrix",
    "test-stores",
    "e2e",
    "test-container",
    "test-pythons",
]


#: What a make that runs these tests hands down to a make started inside them, besides the
#: variables given on its command line (`make check` passes EXAMPLES=all): the Makefile is read
#: here as a contributor's make reads it.
MAKE_HANDS_DOWN = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def make(*args: str) -> str:
    given = os.environ.get("MAKEFLAGS", "").partition(" -- ")[2].split()
    left = {*MAKE_HANDS_DOWN, *(assignment.split("=", 1)[0] for assignment in given)}
    env = {name: value for name, value in os.environ.items() if name not in left}
    done = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return done.stdout


def test_make_test_runs_no_apt_and_needs_no_root() -> None:
    """Every recipe `make test` could run, from nothing (-B), dry (-n): no package manager."""
    recipes = make("-n", "-B", "test")
    assert "pytest" in recipes
    assert not re.search(r"\b(apt-get|apt|dpkg|sudo)\b", recipes), recipes


def test_make_check_runs_what_ci_ran_and_ci_runs_deps_then_check() -> None:
    checks = re.search(r"^CHECKS := ((?:.*\\\n)*.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert checks is not None
    listed = checks.group(1).replace("\\\n", " ").split()
    assert set(CI_TARGETS) <= set(listed)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line and not line.startswith("#")]
    assert commands[-3:] == ["export CI=true", "make deps", "make check"]


def pytest_runs(target: str, *variables: str) -> list[str]:
    """The pytest command lines `make TARGET` would run."""
    return [line for line in make("-n", target, *variables).splitlines() if "-m pytest" in line]


def test_make_test_and_make_test_slow_split_the_tests_and_check_runs_both_in_full() -> None:
    """`make test` leaves out exactly what `make test-slow` runs; `make check` runs both, every
    hypothesis example in each (tests/support/hypothesis_profiles.py), every command started
    afresh (no fork server: tests/support/fork_server.py)."""
    (fast,) = pytest_runs("test")
    (slow,) = pytest_runs("test-slow")
    assert '-m "not slow"' in fast and "--hypothesis-profile=quick" in fast
    assert fast.startswith("FERRIS_SAYS_TESTS_FORKED=1 ")
    assert "-m slow" in slow and "--hypothesis-profile=all" in slow and "FORKED" not in slow
    # The same pytest, the same options.
    assert fast.split(" -m ")[0].split()[1:] == slow.split(" -m ")[0].split()
    (in_check,) = pytest_runs("test", "EXAMPLES=all", "FORKED=0")
    assert "--hypothesis-profile=all" in in_check
    assert in_check.startswith("FERRIS_SAYS_TESTS_FORKED=0 ")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(MAKE) --no-print-directory $$target EXAMPLES=all FORKED=0" in makefile
    checks = re.search(r"^CHECKS := ((?:.*\\\n)*.*)$", makefile, re.M)
    assert checks is not None and "test-slow" in checks.group(1).split()


def test_every_target_make_help_lists_is_in_the_development_page() -> None:
    listed = set(re.findall(r"^  make (\S+)", make("help"), re.M))
    assert {"test", "deps", "check", "dist", "man", "lint"} <= listed
    page = (ROOT / "docs" / "pages" / "development.md").read_text(encoding="utf-8")
    in_table = set(re.findall(r"`make ([a-z0-9.-]+)`", page.split("\n## ", 1)[0]))
    assert listed == in_table


# ---- the changelog -----------------------------------------------------------------------------


def newest_release() -> str:
    match = RELEASE_HEADING.search(CHANGELOG.read_text(encoding="utf-8"))
    assert match, f"{CHANGELOG.name} has no release heading"
    return match.group(1)


def test_package_version_is_the_newest_release_in_the_changelog() -> None:
    assert ferris_says.__version__ == newest_release()


def test_command_version_is_the_newest_release_in_the_changelog() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ferris_says", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ferris-says {newest_release()}\n"


def test_releases_are_newest_first_and_each_once() -> None:
    releases = RELEASE_HEADING.findall(CHANGELOG.read_text(encoding="utf-8"))
    versions = [tuple(int(part) for part in version.split(".")[:3]) for version, _ in releases]
    assert versions == sorted(set(versions), reverse=True)
    dates = [date for _, date in releases]
    assert dates == sorted(dates, reverse=True)


def fragment_problem(name: str) -> str | None:
    """What is wrong with a file name in changelog.d/, or None for a valid fragment name."""
    match = re.fullmatch(r"(\d+)\.([a-z]+)(?:\.(\d+))?\.md", name)
    if match is None:
        return "not <issue>.<type>.md or <issue>.<type>.<n>.md"
    if match.group(2) not in FRAGMENT_TYPES:
        return f"type {match.group(2)!r} is not one of {sorted(FRAGMENT_TYPES)}"
    if match.group(3) is not None and int(match.group(3)) < 2:
        return "a second fragment of a type is numbered from 2"
    return None


def test_every_fragment_has_a_valid_name_and_says_something() -> None:
    assert {"added", "changed", "fixed", "removed"} == FRAGMENT_TYPES
    for path in FRAGMENTS.iterdir():
        if path.name in NOT_FRAGMENTS:
            continue
        assert fragment_problem(path.name) is None, f"{path.name}: {fragment_problem(path.name)}"
        assert path.read_text(encoding="utf-8").strip(), f"{path.name} is empty"


@given(
    issue=st.integers(1, 10_000),
    kind=st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9),
    number=st.none() | st.integers(0, 5),
    suffix=st.sampled_from([".md", ".rst", ".txt", "", ".md.bak"]),
)
def test_fragment_names_are_judged_by_issue_type_and_suffix(
    issue: int, kind: str, number: int | None, suffix: str
) -> None:
    name = f"{issue}.{kind}" + ("" if number is None else f".{number}") + suffix
    valid = kind in FRAGMENT_TYPES and suffix == ".md" and (number is None or number >= 2)
    assert (fragment_problem(name) is None) == valid


def test_towncrier_reads_every_fragment() -> None:
    towncrier = Path(sys.executable).with_name("towncrier")
    draft = subprocess.run(
        [str(towncrier), "build", "--draft", "--version", "9.9.9"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "## 9.9.9 (" in draft
    for path in FRAGMENTS.glob("*.md"):
        text = " ".join(path.read_text(encoding="utf-8").split())
        issue = path.name.split(".")[0]
        assert f"{text} (#{issue})" in " ".join(draft.split()), path.name


# ---- cold start --------------------------------------------------------------------------------


# What the plain path (words that fit, nothing to merge) must not load: typing (type-only imports
# sit under a local TYPE_CHECKING), `re` and what it brings (the merging and the wrapping of a
# line too wide have modules of their own), contextlib and functools (collections), nor any
# of the dependencies, each loaded where its own path begins.
NOT_ON_THE_PLAIN_PATH = (
    "typing", "re", "enum", "contextlib", "functools", "collections",
    "ferris_says.whitespace", "ferris_says.wrap_line",
    "click", "rich", "cowsay", "dagster_pipes", "dagster", "json",
)  # fmt: skip


@pytest.mark.parametrize("words", [["hi"], ["what", "you", "want"], ["日本語", "😀"]])
def test_the_plain_path_loads_only_what_it_needs(words: list[str], tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from ferris_says.cli import main\n"
        f"code = main({words!r})\n"
        "assert code == 0, code\n"
        f"unwanted = {NOT_ON_THE_PLAIN_PATH!r}\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in unwanted or m in unwanted]\n"
        "sys.stderr.write(' '.join(sorted(loaded)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


# ---- the code's layout -------------------------------------------------------------------------

INTERNALS = ROOT / "docs" / "pages" / "internals.md"


def package_modules(package: Path = PACKAGE) -> list[str]:
    """Every module of the package, as a path under it (``pipes/params.py``)."""
    return sorted(path.relative_to(package).as_posix() for path in package.rglob("*.py"))


def internals_rows(text: str) -> list[str]:
    """The modules the internals page's code-layout table names, a row each, in order."""
    section = text.split("## Code layout", 1)[1].split("\n## ", 1)[0]
    table = section.split("| module | what it holds |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", table, re.MULTILINE)


def test_the_internals_page_lists_every_module_once() -> None:
    rows = internals_rows(INTERNALS.read_text(encoding="utf-8"))
    repeated = sorted({row for row in rows if rows.count(row) > 1})
    missing = sorted(set(package_modules()) - set(rows))
    stale = sorted(set(rows) - set(package_modules()))
    assert (missing, stale, repeated) == ([], [], []), (
        "docs/pages/internals.md's code layout: missing, not a module, listed twice"
    )


def module_name(path: Path, package: Path) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            return True
    return False


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the package's modules it imports, at the top or inside a function (an import
    under ``if TYPE_CHECKING:`` is for the type checker only, and left out), its own parent
    packages aside."""
    modules = {module_name(path, package): path for path in package.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if _type_checking_only(node, parents):
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative: from the importing module's package
                    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    base = ".".join([*here[: len(here) - node.level + 1], *filter(None, [base])])
                # `from ferris_says import streams` imports the module ferris_says.streams;
                # `from ferris_says.pipes import CONTEXT_VAR`, a name of ferris_says.pipes.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                # A package is loaded before any of its modules whatever they import, so a
                # module's own packages are no edge: a package that imports one of its modules
                # lazily is the lazy boundary, not a circle.
                if target in modules and not f"{name}.".startswith(f"{target}."):
                    graph[name].add(target)
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_module_of_the_package_imports_itself_back() -> None:
    # Lazy imports inside functions count: a circle through one is still a circle.
    assert import_circles(import_graph()) == []


def test_import_circles_are_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_circles(graph) == [["a", "b", "c"]]

"""tests/support/system_tools.py: a test that needs a missing system tool is skipped with a
reason naming `make deps`, or fails when CI=true; every such test goes through it, and
`make deps` installs every package it lists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.system_tools import TOOLS, SystemTool, named_in, needs, require

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
HELPER = TESTS / "support" / "system_tools.py"
#: The inner pytest loads only the plugin under test: the installed ones (hypothesis' among
#: them, a second of importing) have nothing to do there.
NO_AUTOLOAD = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
# The scripts that targets run as tests (make bench, docs-check, e2e), scanned with the tests.
TEST_SCRIPTS = [REPO / "tools" / name for name in ("bench.py", "docs_browser.py", "e2e_ui.py")]
ABSENT = SystemTool(
    "no-such-package", commands=("ferris-no-such-command",), files=("/nonexistent/ferris",)
)
PRESENT = SystemTool("python3", commands=(sys.executable,), files=(__file__,))


@pytest.fixture
def absent_tool(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(TOOLS, "absent", ABSENT)
    monkeypatch.setitem(TOOLS, "present", PRESENT)
    return "absent"


def outcome(*names: str) -> BaseException | None:
    """What require() raised: a skip, a failure, or nothing (caught here, so that a skip
    where a failure was due cannot skip the test that checks it)."""
    try:
        require(*names)
    except (pytest.skip.Exception, pytest.fail.Exception) as raised:
        return raised
    return None


def test_a_missing_tool_skips_and_names_make_deps_and_the_package(
    absent_tool: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    skipped = outcome("present", absent_tool)
    assert isinstance(skipped, pytest.skip.Exception)
    reason = str(skipped)
    assert "`make deps`" in reason and "no-such-package" in reason
    assert "ferris-no-such-command" in reason and "/nonexistent/ferris" in reason
    assert "python3" not in reason  # only what is missing


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_with_ci_set_a_missing_tool_fails(
    absent_tool: str, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    failed = outcome(absent_tool)
    assert isinstance(failed, pytest.fail.Exception)
    assert re.search(r"make deps.*CI=true", str(failed))


@pytest.mark.parametrize("ci", ["", "false", "0"])
def test_present_tools_pass_and_ci_off_skips(
    absent_tool: str, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    assert outcome("present") is None
    assert isinstance(outcome(absent_tool), pytest.skip.Exception)


MARKED_MODULE = """
import pytest
from support.system_tools import needs

pytestmark = needs("zsh")


@pytest.mark.parametrize("cow", [])  # what a parametrize over a missing tool's files gets
def test_over_nothing(cow):
    pass


def test_runs_zsh():
    raise AssertionError("ran without zsh")


def test_needs_nothing_more():
    pass
"""


@pytest.mark.parametrize("ci", [None, "true"])
def test_the_marker_acts_before_the_test_and_before_an_empty_parametrize(
    tmp_path: Path, ci: str | None
) -> None:
    """Through pytest itself, with no zsh on PATH: each marked test is skipped naming
    `make deps` (an empty parametrize too, not "got empty parameter set"), or errors under CI."""
    (tmp_path / "test_marked.py").write_text(MARKED_MODULE)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env.update(PATH=str(tmp_path), PYTHONPATH=str(TESTS), **({"CI": ci} if ci else {}))
    env.update(NO_AUTOLOAD)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "support.system_tools", "-p", "no:cacheprovider",
         "-rs", "-q", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = done.stdout
    assert "ran without zsh" not in out and "empty parameter set" not in out, out
    if ci is None:
        assert done.returncode == 0 and "3 skipped" in out, out
        assert "zsh missing: `make deps` installs Debian's zsh" in out, out
    else:
        assert done.returncode == 1 and "3 errors" in out, out
        assert "CI=true: a missing tool fails the run" in out, out


ELSEWHERE_MODULE = """
from support.system_tools import elsewhere


@elsewhere("/nonexistent/oracle", "an oracle")
def test_with_the_oracle():
    raise AssertionError("ran without the oracle")


@elsewhere(__file__, "this very file")
def test_with_what_is_there():
    pass
"""


def test_a_test_needing_something_outside_the_project_is_not_collected_without_it(
    tmp_path: Path,
) -> None:
    """Not skipped, not failed under CI (no install step brings it): left out, and said so."""
    (tmp_path / "test_elsewhere.py").write_text(ELSEWHERE_MODULE)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env.update(PYTHONPATH=str(TESTS), CI="true", **NO_AUTOLOAD)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "support.system_tools", "-p", "no:cacheprovider",
         "-rs", "-q", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    assert "1 passed, 1 deselected" in done.stdout and "skipped" not in done.stdout
    assert "not collected: test_elsewhere.py::test_with_the_oracle: an oracle" in done.stdout


# ---- every test that needs a tool goes through the helper; make deps installs them all ------


def reaches_around(text: str) -> list[str]:
    """What in a test module's text reaches a system tool without the helper: a path of one,
    or a look-up of one of its commands on PATH or in /bin."""
    found = []
    for tool in TOOLS.values():
        for path in (*tool.commands, *tool.files):
            if path.startswith("/"):
                found += [p for p in (path, str(Path(path).parent)) if p in text]
            else:
                look_up = rf"""which\(\s*["']{re.escape(path)}["']|/bin/{re.escape(path)}\b"""
                found += [match.group() for match in re.finditer(look_up, text)]
    return found


def test_no_test_module_reaches_a_system_tool_around_the_helper() -> None:
    offenders = {
        str(path.relative_to(REPO)): reaches_around(path.read_text(encoding="utf-8"))
        for path in [*TESTS.rglob("*.py"), *TEST_SCRIPTS]
        if path not in (HELPER, Path(__file__))  # the helper, and this module's own probes
    }
    assert not {name: found for name, found in offenders.items() if found}


@pytest.mark.parametrize(
    "text",
    ['Path("/usr/games/cowsay")', "'/usr/share/cowsay/cows/x.cow'", 'shutil.which("zsh")',
     'Path("/bin/bash").exists()', '"/usr/share/unicode/LineBreak.txt"', "which( 'man')"],
)  # fmt: skip
def test_the_scan_sees_each_way_around(text: str) -> None:
    assert reaches_around(text)


def test_the_scan_leaves_other_text_alone() -> None:
    assert not reaches_around('shutil.which("ferris-says")\nrun(["zsh-like"])\n"/usr/bin/env"')


@needs("make")
def test_make_deps_installs_every_package_the_tests_name() -> None:
    shown = subprocess.run(
        ["make", "-n", "-s", "--no-print-directory", "deps"],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    words = set(re.findall(r"[\w.+-]+", shown))
    assert "apt-get" in shown
    assert {tool.package for tool in TOOLS.values()} <= words


# ---- the docs' examples: the tools a shell snippet uses ---------------------------------------


@pytest.mark.parametrize(
    "command, tools",
    [("zsh -c 'compinit'", ["zsh"]), ("cd x && fish -c 'complete -C ferris'", ["fish"]),
     ("ferris-says --help | man -l -", ["man"]), ("ferris-says -c /usr/share/cowsay/cows/x.cow hi",
     ["cowsay"]), ("echo $(localedef --help)", ["locales"]), ("make demo", ["make"]),
     ("ferris-says --files zsh.txt", []), ("echo manual fishes", []), ("ferris-says hi", [])],
)  # fmt: skip
def test_named_in_finds_the_commands_run_and_files_named(command: str, tools: list[str]) -> None:
    assert named_in(command) == tools

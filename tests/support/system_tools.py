"""The programs and files from Debian packages that some tests run or compare with.

A test that needs one says so with the marker `needs("cowsay")`; a test that learns what it
needs while it runs (a docs example) calls `require(...)`. Without the tool the test is skipped,
and the reason names `make deps`, which installs every package listed here. With CI=true the
test fails instead: CI runs `make deps` first, so a missing tool there is a broken set-up, and
an oracle must never drop out of CI silently. tests/conftest.py loads this module as a plugin.

A test that compares with something no package brings, outside the project (the Rust crate's
oracle binary, the shared copy of its golden file), is marked `elsewhere(PATH, what)`: where
PATH is absent it is not collected, and the run's summary says so; no install step could bring
it, so it is neither a skip nor, under CI, a failure.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from collections.abc import Iterable

import pytest

# Debian's Perl cowsay 3.03, the oracle of the .cow tests, and the .cow files it ships.
COWSAY = "/usr/games/cowsay"
COWTHINK = "/usr/games/cowthink"
DEBIAN_COWS = "/usr/share/cowsay/cows"
# Unicode 15.0.0's line-break classes, which the generated wrap tables come from.
LINEBREAK_TXT = "/usr/share/unicode/LineBreak.txt"
# The locale sources localedef builds an ISO-8859-1 locale from.
LOCALE_SOURCES = ("/usr/share/i18n/locales/en_US", "/usr/share/i18n/charmaps/ISO-8859-1.gz")

MARKER = "needs"
ELSEWHERE = "elsewhere"
MAKE_DEPS = "make deps"


@dataclasses.dataclass(frozen=True)
class SystemTool:
    """What one Debian package brings: commands (a name looked up on PATH, or a path) and files."""

    package: str
    commands: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    def missing(self) -> list[str]:
        absent = [name for name in self.commands if shutil.which(name) is None]
        return absent + [path for path in self.files if not os.path.exists(path)]


# Keyed by the name tests use in `needs(...)`.
TOOLS = {
    "cowsay": SystemTool("cowsay", commands=(COWSAY, COWTHINK), files=(DEBIAN_COWS,)),
    "linebreak": SystemTool("unicode-data", files=(LINEBREAK_TXT,)),
    "locales": SystemTool("locales", commands=("localedef",), files=LOCALE_SOURCES),
    "man": SystemTool("man-db", commands=("man",)),
    "zsh": SystemTool("zsh", commands=("zsh",)),
    "fish": SystemTool("fish", commands=("fish",)),
    "bash": SystemTool("bash", commands=("bash",)),
    "make": SystemTool("make", commands=("make",)),
}


def in_ci() -> bool:
    """CI's own variable (GitHub, GitLab and others set CI=true; .ci/run sets it too)."""
    return os.environ.get("CI", "").lower() in {"true", "1"}


def needs(*names: str) -> pytest.MarkDecorator:
    """Marks a test (or, as `pytestmark`, a module) as needing these tools."""
    unknown = sorted(set(names) - set(TOOLS))
    assert not unknown, f"no system tool named {unknown}; known: {sorted(TOOLS)}"
    mark: pytest.MarkDecorator = getattr(pytest.mark, MARKER)(*names)
    return mark


def absence(tools: Iterable[SystemTool]) -> str | None:
    """What is missing of these tools and which packages bring it, or None when all is there."""
    missing = [(tool.package, tool.missing()) for tool in tools]
    missing = [(package, what) for package, what in missing if what]
    if not missing:
        return None
    shown = ", ".join(", ".join(what) for _, what in missing)
    packages = " ".join(package for package, _ in missing)
    return f"{shown} missing: `{MAKE_DEPS}` installs Debian's {packages}"


def require(*names: str) -> None:
    """Skip the running test when a tool is missing; fail it when CI=true."""
    reason = absence(TOOLS[name] for name in names)
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the run)", pytrace=False)
    pytest.skip(reason)


def named_in(text: str) -> list[str]:
    """The tools a shell snippet uses: a command run by name or path, or a file it names."""
    found = []
    for name, tool in TOOLS.items():
        commands = "|".join(re.escape(command) for command in tool.commands)
        runs = commands and re.search(rf"(?:^|[\s;&|(]|\$\()(?:{commands})(?=$|[\s;&|)])", text)
        if runs or any(path in text for path in tool.files):
            found.append(name)
    return found


def elsewhere(path: str | os.PathLike[str], what: str) -> pytest.MarkDecorator:
    """Marks a test that needs `path`, outside the project: collected only where it exists."""
    mark: pytest.MarkDecorator = getattr(pytest.mark, ELSEWHERE)(os.fspath(path), what)
    return mark


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(*tools): the system tools (Debian packages) the test needs"
    )
    config.addinivalue_line(
        "markers", f"{ELSEWHERE}(path, what): collected only where path, outside the project, is"
    )


NOT_COLLECTED = pytest.StashKey[list[str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    absent = {}
    for item in items:
        for mark in item.iter_markers(ELSEWHERE):
            path, what = mark.args
            if not os.path.exists(path):
                absent[item] = f"{item.nodeid}: {what} ({path}) is not on this machine"
    if absent:
        config.hook.pytest_deselected(items=list(absent))
        items[:] = [item for item in items if item not in absent]
    config.stash[NOT_COLLECTED] = list(absent.values())


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    for line in config.stash.get(NOT_COLLECTED, []):
        terminalreporter.write_line(f"not collected: {line}")


# Before the skipping plugin's own setup hook: a parametrize left empty by a missing tool (no
# .cow files to list) then says what is missing, rather than "got empty parameter set".
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers(MARKER):
        require(*mark.args)

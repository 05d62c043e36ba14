"""Each console script is a command of its own: its usage line, help, version, errors and shell
completion name it, whatever it shares with the others.

The commands are pyproject.toml's `[project.scripts]`, so a new one is held to this too.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support.run_command import CLEAN_ENV, as_text, command

from ferris_says import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"])
#: The drop-in reads cowsay's command line: its -W is the wrap column, its errors cowsay's form.
DROP_IN = {"ferris-cowsay", "ferris-cowthink"}
#: A usage error each command reports: a column that is not a number.
BAD_COLUMN = {"click": ["--width", "many", "hi"], "drop-in": ["-W", "many", "hi"]}
#: An option only that command has, which its completion must offer.
OWN_OPTION = {
    "ferris-says": "--think",
    "ferris-thinks": "--asset-key",
    "ferris-cowsay": "--aurora",
    "ferris-cowthink": "--aurora",
}


def run(
    name: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    program = str(Path(sys.executable).with_name(name))
    with tempfile.TemporaryDirectory(prefix="ferris-commands-") as scratch:
        done = command([program, *args], cwd=scratch, env={**CLEAN_ENV, **(env or {})}, input=None)
        return as_text(done)


def complete_var(name: str) -> str:
    return f"_{name.replace('-', '_').upper()}_COMPLETE"


def test_the_scripts_are_the_four_commands() -> None:
    assert SCRIPTS == ["ferris-cowsay", "ferris-cowthink", "ferris-says", "ferris-thinks"]


@pytest.mark.parametrize("name", SCRIPTS)
def test_help_and_version_name_the_command(name: str) -> None:
    shown = run(name, "--help")
    assert shown.returncode == 0 and shown.stderr == ""
    assert shown.stdout.startswith(f"Usage: {name} [OPTIONS] ")
    others = [other for other in SCRIPTS if other != name]
    assert not any(f"Usage: {other} " in shown.stdout for other in others)
    verb = "thinking" if "think" in name else "saying"
    assert verb in shown.stdout.split("\n\n")[1]
    assert run(name, "--version").stdout == f"{name} {__version__}\n"


@pytest.mark.parametrize("name", SCRIPTS)
def test_errors_name_the_command(name: str) -> None:
    done = run(name, *BAD_COLUMN["drop-in" if name in DROP_IN else "click"])
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"{name}: "), done.stderr
    assert "many" in done.stderr


def test_ferris_thinks_always_thinks_and_has_no_think_option() -> None:
    assert run("ferris-thinks", "hi").stdout.startswith(" ____\n( hi )\n")
    done = run("ferris-thinks", "--think", "hi")
    assert done.returncode == 2
    # click's own words for it differ between its releases ("No such option: --think").
    assert re.match(r"ferris-thinks: error: No such option:? '?--think'?", done.stderr), done.stderr
    assert done.stderr.rstrip().endswith("(see ferris-thinks --help)")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize("name", SCRIPTS)
def test_each_command_has_its_own_completion(name: str, shell: str) -> None:
    source = run(name, env={complete_var(name): f"{shell}_source"})
    assert source.returncode == 0 and source.stderr == ""
    function = f"_{name.replace('-', '_')}_completion"
    assert function in source.stdout and complete_var(name) in source.stdout
    assert name in source.stdout


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_command_completes_its_own_options(name: str) -> None:
    env = {complete_var(name): "bash_complete", "COMP_WORDS": f"{name} --", "COMP_CWORD": "1"}
    offered = run(name, env=env).stdout.split()
    assert f"plain,{OWN_OPTION[name]}" in offered
    assert ("plain,--think" in offered) == (name == "ferris-says")

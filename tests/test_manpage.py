"""The manual pages, one per console script: written from each command's own options, read by
the real `man`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from support.system_tools import needs

from ferris_says import cowsay_options
from ferris_says.command import COMMANDS
from ferris_says.manpage import commands, escape, render

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

#: The console scripts pyproject.toml declares: each one gets a page.
SCRIPTS = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))[
    "project"
]["scripts"]


def _shown(page: str, tmp_path: Path) -> str:
    source = tmp_path / "ferris-says.1"
    source.write_text(page, encoding="utf-8")
    env = {**os.environ, "MANWIDTH": "200", "MANPAGER": "cat", "LANG": "C.UTF-8"}
    done = subprocess.run(["man", "-l", str(source)], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.replace("\u2010", "-").replace("\u2212", "-")


def test_the_pages_are_the_console_scripts() -> None:
    assert sorted(commands()) == sorted(SCRIPTS)
    listed = subprocess.run(
        [sys.executable, "-m", "ferris_says.manpage", "--list"], capture_output=True, check=True
    )
    assert listed.stdout.decode().split() == sorted(SCRIPTS)
    assert render() == render("ferris-says")


def option_names(name: str) -> list[str]:
    """Every option of command `name`, from what it parses with."""
    if name in COMMANDS:
        command = COMMANDS[name]
        ctx = click.Context(command, info_name=name, **command.context_settings)
        params = [param for param in command.get_params(ctx) if isinstance(param, click.Option)]
        return [option for param in params for option in (*param.opts, *param.secondary_opts)]
    return [option.name for option in cowsay_options.OPTIONS]


@needs("man")
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_option_of_the_command_is_in_its_page(tmp_path: Path, name: str) -> None:
    shown = _shown(render(name), tmp_path)
    assert re.search(rf"^NAME\n\s+{re.escape(name)} - ", shown, re.M), shown[:300]
    for option in option_names(name):
        assert re.search(rf"(^|[ ,]){re.escape(option)}\b", shown, re.M), (name, option)
    sections = ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS")
    for section in (*sections, "EXAMPLES" if name in COMMANDS else "ENVIRONMENT"):
        assert re.search(rf"^{section}$", shown, re.M), section


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_escaped_text_is_never_a_request_and_keeps_no_lone_backslash(text: str) -> None:
    escaped = escape(text)
    assert not escaped.startswith((".", "'"))
    assert re.fullmatch(r"(?:[^\\]|\\[e&-])*", escaped), escaped


@needs("man")
@settings(max_examples=examples(40), deadline=None)
@given(st.text(st.sampled_from("ab.'\\- "), min_size=1, max_size=12).filter(str.strip))
def test_escaped_text_reads_back_as_written(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        page = f".TH T 1\n.SH NAME\n.nh\n.ad l\n.nf\n{escape(text)}\n.fi\n"
        shown = _shown(page, Path(tmp))
    assert " ".join(text.split()) in " ".join(shown.split()), (text, shown)

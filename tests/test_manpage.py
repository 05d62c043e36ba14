"""`ferris-says.1`: written from the click command, read by the real `man`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import click
from hypothesis import given, settings
from hypothesis import strategies as st
from support.system_tools import needs

from ferris_says.command import cli
from ferris_says.manpage import escape, render


def _shown(page: str, tmp_path: Path) -> str:
    source = tmp_path / "ferris-says.1"
    source.write_text(page, encoding="utf-8")
    env = {**os.environ, "MANWIDTH": "200", "MANPAGER": "cat", "LANG": "C.UTF-8"}
    done = subprocess.run(
        ["man", "-l", str(source)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.replace("\u2010", "-").replace("\u2212", "-")


@needs("man")
def test_every_option_of_the_command_is_in_the_page(tmp_path: Path) -> None:
    shown = _shown(render(), tmp_path)
    ctx = click.Context(cli, info_name="ferris-says", **cli.context_settings)
    for param in cli.get_params(ctx):
        if isinstance(param, click.Option):
            for name in param.opts + param.secondary_opts:
                assert re.search(rf"(^|[ ,]){re.escape(name)}\b", shown, re.M), name
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES"):
        assert re.search(rf"^{section}$", shown, re.M), section


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_escaped_text_is_never_a_request_and_keeps_no_lone_backslash(text: str) -> None:
    escaped = escape(text)
    assert not escaped.startswith((".", "'"))
    assert re.fullmatch(r"(?:[^\\]|\\[e&-])*", escaped), escaped


@needs("man")
@settings(max_examples=40, deadline=None)
@given(st.text(st.sampled_from("ab.'\\- "), min_size=1, max_size=12).filter(str.strip))
def test_escaped_text_reads_back_as_written(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        page = f".TH T 1\n.SH NAME\n.nh\n.ad l\n.nf\n{escape(text)}\n.fi\n"
        shown = _shown(page, Path(tmp))
    assert " ".join(text.split()) in " ".join(shown.split()), (text, shown)

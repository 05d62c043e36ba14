"""Every `$ command` of README.md and docs/pages/*.md runs, and prints what the page shows.

The collector is tests/support/docs_examples.py (its docstring and docs/README.md give the format).
Slow examples (installs, the dg walkthrough) run under `make test-docs-slow`, which sets
FERRIS_SAYS_DOCS_SLOW=1; plain `make test` runs the rest. Each run collects only its own
examples, so a skip means something is missing: an example that runs a system tool (zsh, fish,
man) or names Debian's .cow files needs its package (tests/support/system_tools.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.docs_examples import (
    REPO,
    Example,
    ExampleFormatError,
    all_examples,
    checkout_snapshot,
    expected_pattern,
    mismatch,
    parse_page,
    run_example,
    run_step,
)
from support.system_tools import named_in, needs

RUN_SLOW = os.environ.get("FERRIS_SAYS_DOCS_SLOW") == "1"
EXAMPLES = all_examples()
# This run's examples: the slow ones or the others; `not run` blocks are shown, never run.
THIS_RUN = [e for e in EXAMPLES if e.not_run is None and e.slow == RUN_SLOW]


#: Dagster's own command lines (dg, dagster): a process that imports Dagster and its CLI, seconds
#: of CPU, so an example that runs one is marked slow (`make test-slow`), as the tests of dg are.
DAGSTER_CLI = re.compile(r"(?:^|[\s;&|(])(?:dg|dagster)\s")


def tools_used(example: Example) -> list[str]:
    return named_in("\n".join(step.command for step in example.steps))


def marks(example: Example) -> list[pytest.MarkDecorator]:
    runs_dagster = any(DAGSTER_CLI.search(step.command) for step in example.steps)
    return [needs(*tools_used(example)), *([pytest.mark.slow] if runs_dagster else [])]


@pytest.mark.parametrize(
    "example", [pytest.param(e, id=e.name, marks=marks(e)) for e in THIS_RUN]
)
def test_example_prints_what_the_page_shows(example: Example, tmp_path: Path) -> None:
    before = checkout_snapshot()
    differences = list(run_example(example, tmp_path))
    assert not differences, "\n".join(differences)
    after = checkout_snapshot()
    added = sorted(set(after) - set(before))
    changed = sorted(name for name in set(before) & set(after) if before[name] != after[name])
    assert not added and not changed, f"the example touched the checkout: {added + changed}"


def test_every_page_is_collected() -> None:
    """The README and the site's pages all hold examples; a page that stops matching the
    format (a fence the parser misses) would silently drop its examples."""
    pages = {example.page for example in EXAMPLES}
    assert REPO / "README.md" in pages
    assert any(page.parent.name == "pages" for page in pages)
    runnable = [example for example in EXAMPLES if example.not_run is None and not example.slow]
    assert len(runnable) >= 10


def test_the_readme_reads_in_two_minutes() -> None:
    """At most 200 lines: the rest belongs in docs/pages/, which it links to."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for link in ("docs/pages/install.md", "docs/pages/errors.md", "docs/pages/components.md"):
        assert f"]({link})" in readme and (REPO / link).is_file()


def test_the_readmes_table_lists_every_page() -> None:
    """Its Documentation section links each page of docs/pages/ but the site's home page (whose
    place the README takes on GitHub), and no page that is not there."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Documentation\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"\]\((docs/pages/[^)#]+\.md)\)", section))
    pages = {str(page.relative_to(REPO)) for page in (REPO / "docs" / "pages").glob("**/*.md")}
    assert listed == pages - {"docs/pages/index.md"}


# ---- the collector itself: it must be able to fail ----------------------------------------


def _one(text: str) -> Example:
    (example,) = parse_page(REPO / "README.md", text)
    return example


def test_one_changed_byte_fails(tmp_path: Path) -> None:
    example = _one("```console\n$ printf 'hello\\n'\nhello\n```\n")
    assert list(run_example(example, tmp_path)) == []
    changed = _one("```console\n$ printf 'hello\\n'\nhellp\n```\n")
    (difference,) = run_example(changed, tmp_path)
    assert "-hellp" in difference and "+hello" in difference


@given(
    shown=st.lists(st.text(st.characters(blacklist_characters="\n\r"), max_size=12), max_size=5),
    position=st.integers(min_value=0),
    replacement=st.characters(blacklist_characters="\n\r"),
)
def test_any_single_character_change_is_caught(
    shown: list[str], position: int, replacement: str
) -> None:
    """Generated outputs and one character changed anywhere: the pattern never matches."""
    text = "".join(line + "\n" for line in shown)
    if not text.replace("\n", ""):
        return
    spots = [i for i, char in enumerate(text) if char != "\n"]
    spot = spots[position % len(spots)]
    if text[spot] == replacement:
        return
    changed = text[:spot] + replacement + text[spot + 1 :]
    lines = tuple(changed.split("\n")[:-1])
    if any(line == "..." for line in lines):
        return  # the ellipsis line is the one deliberate wildcard
    assert not expected_pattern(lines).fullmatch(text)
    assert expected_pattern(tuple(shown)).fullmatch(text) or "..." in shown


def test_stderr_is_shown_where_the_terminal_shows_it(tmp_path: Path) -> None:
    example = _one("```console\n$ echo out; echo err >&2; echo out2\nout\nerr\nout2\n```\n")
    assert list(run_example(example, tmp_path)) == []


def test_ellipsis_stands_for_lines_and_only_lines(tmp_path: Path) -> None:
    example = _one("```console\n$ printf 'a\\nb\\nc\\nd\\n'\na\n...\nd\n```\n")
    assert list(run_example(example, tmp_path)) == []
    nothing_between = _one("```console\n$ printf 'a\\nd\\n'\na\n...\nd\n```\n")
    assert list(run_example(nothing_between, tmp_path)) == []
    wrong_end = _one("```console\n$ printf 'a\\nb\\nc\\n'\na\n...\nd\n```\n")
    assert len(list(run_example(wrong_end, tmp_path))) == 1


def test_missing_or_extra_output_fails(tmp_path: Path) -> None:
    silent = Example(REPO / "README.md", 1, _one("```console\n$ true\n```\n").steps)
    assert list(run_example(silent, tmp_path)) == []
    step = _one("```console\n$ echo surprise\n```\n").steps[0]
    assert mismatch(step, run_step(step, tmp_path, 10)) is not None
    step = _one("```console\n$ true\nexpected\n```\n").steps[0]
    assert mismatch(step, run_step(step, tmp_path, 10)) is not None


def test_files_carry_over_between_steps_and_the_scratch_reads_as_home(tmp_path: Path) -> None:
    example = _one("```console\n$ echo hi > a.txt\n$ cat a.txt; pwd\nhi\n~\n```\n")
    assert list(run_example(example, tmp_path)) == []


def test_markers() -> None:
    slow = _one("<!-- console: slow -->\n```console\n$ true\n```\n")
    assert slow.slow and not slow.in_clone
    clone = _one("<!-- console: in-clone -->\n```console\n$ true\n```\n")
    assert clone.in_clone
    both = _one("<!-- console: slow, in-clone -->\n```console\n$ true\n```\n")
    assert both.slow and both.in_clone
    skipped = _one("<!-- console: not run: needs a registry -->\n```console\n$ true\n```\n")
    assert skipped.not_run == "needs a registry"
    for bad in ("<!-- console: sloww -->", "<!-- console: not run: -->"):
        with pytest.raises(ExampleFormatError):
            _one(bad + "\n```console\n$ true\n```\n")
    with pytest.raises(ExampleFormatError):
        _one("```console\noutput before any command\n```\n")
    with pytest.raises(ExampleFormatError):
        _one("```console\n$ true\n")


def test_the_environment_is_the_same_whatever_the_caller_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("DAGSTER_PIPES_CONTEXT", "garbage")
    example = _one(
        "```console\n$ echo $COLUMNS ${NO_COLOR} ${FORCE_COLOR:-unset}"
        " ${DAGSTER_PIPES_CONTEXT:-unset}\n80 1 unset unset\n```\n"
    )
    assert list(run_example(example, tmp_path)) == []


def test_an_example_writing_into_the_checkout_is_seen(tmp_path: Path) -> None:
    """The cleanliness check can fail: a file made in the checkout's ignored fake_temp/."""
    scratch_in_checkout = REPO / "fake_temp" / "docs-example-probe.json"
    before = checkout_snapshot()
    try:
        scratch_in_checkout.write_text("{}")
        assert set(checkout_snapshot()) - set(before) == {"fake_temp/docs-example-probe.json"}
    finally:
        scratch_in_checkout.unlink()

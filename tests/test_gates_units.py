"""The three cutters of issue 23 as functions: `shown` (every quoted value), `streams.line_bytes`
(every stderr line), `channel.fitted` (every Pipes message): whatever the text, the result is
within its limit, printable, one line, and what was not cut reads back as it was."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, cast

from hostile import hostile_text
from hypothesis import given
from hypothesis import strategies as st

from ferris_says.errors import shown
from ferris_says.pipes.channel import fitted, line_size
from ferris_says.streams import line_bytes

if TYPE_CHECKING:
    from dagster_pipes import PipesMessage



def surrogate_escapes_as_bytes(text: str) -> str:
    """What `shown` writes for a surrogate escape: the byte it stands for, \\xNN."""
    return "".join(chr(ord(ch) - 0xDC00) if "\udc80" <= ch <= "\udcff" else ch for ch in text)


@given(text=hostile_text, limit=st.integers(min_value=40, max_value=5000), quote=st.booleans())
def test_shown_is_one_printable_line_within_its_limit(text: str, limit: int, quote: bool) -> None:
    out = shown(text, limit, quote=quote)
    data = out.encode("utf-8")  # no surrogate is left: it would raise here
    assert len(data) <= limit
    assert out.isprintable()
    if quote and not out.endswith(" characters)"):  # whole: it reads back as the value
        assert ast.literal_eval(out) == surrogate_escapes_as_bytes(text)
    if out.endswith(" characters)"):
        assert f"... ({len(text)} characters)" in out


@given(
    text=hostile_text,
    encoding=st.sampled_from(["utf-8", "ascii", "latin-1", "cp1252", "euc-jp"]),
    head=st.sampled_from(["ferris-says: error: ", "ferris-says: \x1b[1;31merror:\x1b[0m ", ""]),
)
def test_a_stderr_line_is_one_line_within_4_kib_in_any_encoding(
    text: str, encoding: str, head: str
) -> None:
    data = line_bytes(head, text * 3, encoding)
    assert len(data) <= 4096
    assert data.endswith(b"\n")
    body = data[len(head.encode(encoding)) :].decode(encoding)[:-1]
    assert body.isprintable() and "\n" not in body


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), hostile_text)
messages = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=30) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=40,
).map(lambda params: {"__dagster_pipes_version": "0.1", "method": "closed", "params": params})


@given(message=messages, limit=st.integers(min_value=1024, max_value=10_000))
def test_a_fitted_message_fits_its_line_and_keeps_what_fits(
    message: dict[str, Any], limit: int
) -> None:
    out = fitted(cast("PipesMessage", message), limit)
    assert line_size(out) <= limit
    if line_size(message) <= limit:
        assert out is message
    assert out["method"] == "closed"

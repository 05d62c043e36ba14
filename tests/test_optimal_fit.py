"""The layout scan (`scan_best_rows`) against the crate's own search (`online_best_rows`).

The scan is only correct if the cost matrix is Monge and the online search returns topmost
minima (the proof is in ferris_says/optimal_fit.py), so these tests compare both searches on
every column, best row and best cost alike, not only on the lines that come out: over random
fragment widths (zero-width fragments, fragments wider than the line, runs of spaces) and over
real texts cut into fragments by wrap.py, for widths 0..80.
"""

from __future__ import annotations

from array import array

from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from test_wrap_shortcut import PIECES

from ferris_says import optimal_fit, wrap_line
from ferris_says.optimal_fit import (
    MAX_SCAN_WINDOW,
    line_ranges,
    online_best_rows,
    scan_best_costs,
    scan_best_rows,
)

widths = st.integers(min_value=0, max_value=80)
fragment = st.tuples(
    st.integers(min_value=0, max_value=90) | st.integers(min_value=0, max_value=4),
    st.integers(min_value=0, max_value=3) | st.just(1),
)
texts = st.lists(
    st.sampled_from(PIECES) | st.text(max_size=4) | st.sampled_from(["ferris", "crab", "  "]),
    max_size=40,
).map(lambda pieces: " ".join(pieces).replace("\n", " "))


def arrays(fragments: list[tuple[int, int]]) -> tuple[array[float], array[float]]:
    offsets, ends = array("d", [0.0]), array("d", [0.0])
    total = 0.0
    for width, spaces in fragments:
        ends.append(total + width)
        total += width + spaces
        offsets.append(total)
    return offsets, ends


def text_arrays(text: str, width: int) -> tuple[array[float], array[float]]:
    """The fragments wrap.py makes of one line, as the searches see them."""
    if not text:  # wrap.py never searches an empty line: it fits
        return array("d", [0.0]), array("d", [0.0])
    fragments = wrap_line._fragments(text, width)
    return fragments.offsets, fragments.ends


def assert_same_search(offsets: array[float], ends: array[float], width: int) -> None:
    scanned = scan_best_costs(offsets, ends, width)
    rows, costs = online_best_rows(offsets, ends, width)
    if scanned is None:  # only past the window: then the caller runs the online search
        assert len(offsets) - 1 > MAX_SCAN_WINDOW
        return
    assert list(scanned[0]) == list(rows)
    assert scanned[1] == costs


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(fragment, max_size=60), widths)
@example([(0, 0)] * 5, 0)
@example([(3, 1), (0, 0), (0, 0), (3, 1)], 3)
@example([(1, 1)] * 9, 4)  # ties everywhere
@example([(1, 0)], 40)  # a lone short last line
@example([(2, 0), (1, 0)], 1)  # every line overflows
def test_scan_matches_the_online_search_on_every_column(
    fragments: list[tuple[int, int]], width: int
) -> None:
    offsets, ends = arrays(fragments)
    assert_same_search(offsets, ends, width)


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(fragment, max_size=60), widths, st.integers(min_value=1, max_value=9))
def test_the_scan_gives_the_same_rows_in_chunks_of_any_size(
    fragments: list[tuple[int, int]], width: int, chunk: int
) -> None:
    # The scan copies a chunk of columns at a time into lists; small chunks cross often.
    offsets, ends = arrays(fragments)
    default = optimal_fit.SCAN_CHUNK
    optimal_fit.SCAN_CHUNK = chunk
    try:
        assert_same_search(offsets, ends, width)
    finally:
        optimal_fit.SCAN_CHUNK = default


@settings(max_examples=examples(1000), deadline=None)
@given(texts, widths)
@example("a b c d e f g h i j k l m n o p", 4)
@example("state-of-the-art well-known こんにちは 世界 \xad co\xadop", 7)
@example("\x1b[31mred\x1b[0m words \x1b]8;;http://x\x07link\x1b]8;;\x07  trailing   ", 5)
def test_scan_matches_the_online_search_on_texts(text: str, width: int) -> None:
    offsets, ends = text_arrays(text, width)
    assert_same_search(offsets, ends, width)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(["ferris", "crab", "a", "こんにちは", "well-known"]), max_size=400))
def test_long_paragraphs_scan_and_match(words: list[str]) -> None:
    # Many lines: blocks of every size in the online search, and the scan must not give up.
    text = " ".join(words)
    offsets, ends = text_arrays(text, 40)
    assert scan_best_rows(offsets, ends, 40) is not None
    assert_same_search(offsets, ends, 40)


def test_a_window_past_the_limit_falls_back_to_the_online_search() -> None:
    # Zero-width fragments: every row ties, the topmost stays at 0 and the window keeps growing.
    offsets, ends = arrays([(0, 0)] * (3 * MAX_SCAN_WINDOW))
    assert scan_best_rows(offsets, ends, 5) is None
    rows = online_best_rows(offsets, ends, 5)[0]
    assert line_ranges(offsets, ends, 5)[-1] == (rows[len(rows) - 1], len(rows) - 1)


def test_costs_that_floats_cannot_hold_fall_back() -> None:
    # A gap of 10**8 columns squares past 2**53: the scan declines, the online search decides.
    offsets, ends = arrays([(3, 1), (4, 1), (5, 0)])
    assert scan_best_rows(offsets, ends, 10**8) is None
    assert scan_best_rows(offsets, ends, 10**6) is not None
    assert line_ranges(offsets, ends, 10**8) == [(0, 3)]

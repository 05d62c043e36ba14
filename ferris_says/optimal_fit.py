"""textwrap 0.16.2's wrap_optimal_fit layout search: which fragments go on which line.

The crate runs smawk 0.3.2's online column-minima search over the matrix cost(i, j): the best
layout of fragments[:i] plus one line holding fragments[i:j]. `online_best_rows` is that search
step for step. `scan_best_rows` gets the same answer with far fewer cost evaluations, and is
used whenever its preconditions hold:

- The matrix is Monge. cost(i, j) = best[i] + 1000 + f(ends[j] - offsets[i]) with f convex
  (gap² up to the width, 2500 per column beyond it), which makes every 2x2 minor of finite
  entries Monge; the last column drops gap² from fitting rows, more for later rows (their line
  is narrower), which keeps it Monge; its short-last-line penalty touches only row count-1,
  whose other entries are infinite (i >= j), so it is in no 2x2 minor of finite entries.
- On a Monge matrix the search returns every column's exact minimum, and on ties the topmost
  row: SMAWK drops a row only when it is strictly worse, scans with ties to the upper row
  between neighbouring minima, and the online steps replace a value only when strictly lower.
- Topmost minima of a Monge matrix never move up from one column to the next, so column j's is
  the first minimum among rows best_row[j - 1] .. j - 1: that is all the scan looks at.
- The costs are whole numbers; below 2**53 the floats hold them exactly in every order of
  evaluation, so both searches see the same values (the scan checks the bound afterwards).

tests/test_optimal_fit.py compares the two searches column by column with hypothesis.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

# textwrap's OptimalFit::new() penalties, as the floats its cost function uses.
NLINE_PENALTY = 1000.0
OVERFLOW_PENALTY = 2500.0  # 50 * 50
SHORT_LAST_LINE_FRACTION = 4.0
SHORT_LAST_LINE_PENALTY = 25.0

# The scan looks at as many rows per column as the last line has fragments (about the width /
# the word length); past this many, the online search's ~14 costs per fragment are cheaper
# (one-letter words: the scan wins at width 40 by 0.23 s to 0.39 s, breaks even at 80).
MAX_SCAN_WINDOW = 40
EXACT_FLOATS = 2.0**53
SCAN_CHUNK = 1 << 16


def line_ranges(
    offsets: array[float], ends: array[float], line_width: int
) -> list[tuple[int, int]]:
    """The fragment ranges [first, end) of each line, as wrap_optimal_fit lays them out.

    `offsets[k]` is the width before fragment k (spaces included), `ends[k + 1]` the width up
    to the end of fragment k's text; both have one entry more than there are fragments.
    """
    best_row = scan_best_rows(offsets, ends, line_width)
    if best_row is None:
        best_row = online_best_rows(offsets, ends, line_width)[0]
    ranges = []
    end = len(offsets) - 1
    while True:
        first = best_row[end]
        ranges.append((first, end))
        end = first
        if end == 0:
            break
    ranges.reverse()
    return ranges


def scan_best_rows(
    offsets: array[float], ends: array[float], line_width: int
) -> array[int] | None:
    """Each column's topmost minimum row, found by scanning from the previous column's; None
    where a window grows past MAX_SCAN_WINDOW or a cost might not be exact."""
    scanned = _scan(offsets, ends, line_width)
    return None if scanned is None else scanned[0]


def scan_best_costs(
    offsets: array[float], ends: array[float], line_width: int
) -> tuple[array[int], list[float]] | None:
    """scan_best_rows and the minimum cost of every column (for the tests)."""
    scanned = _scan(offsets, ends, line_width)
    if scanned is None:
        return None
    rows, entry = scanned
    return rows, [value - NLINE_PENALTY for value in entry]


def _scan(
    offsets: array[float], ends: array[float], line_width: int
) -> tuple[array[int], array[float]] | None:
    count = len(offsets) - 1
    target = max(float(line_width), 1.0)
    nline, overflow = NLINE_PENALTY, OVERFLOW_PENALTY
    best_row = array("q", bytes(8 * (count + 1)))
    # best_cost[i] + nline, the part of cost(i, j) that does not depend on j; whole numbers
    # below 2**53 (checked at the end), so adding in another order changes nothing.
    entry = array("d", bytes(8 * (count + 1)))
    entry[0] = nline
    first = 0
    # Columns a chunk at a time, with the rows they read as lists (CPython indexes a list
    # without making a new float; the arrays keep the whole paragraph small).
    for chunk_start in range(1, count, SCAN_CHUNK):
        chunk_stop = min(chunk_start + SCAN_CHUNK, count)
        base = max(0, chunk_start - MAX_SCAN_WINDOW - 1)  # no window reaches further back
        offs = offsets[base:chunk_stop].tolist()
        ent = entry[base:chunk_start].tolist()
        add_entry = ent.append
        for j in range(chunk_start, chunk_stop):
            if j - first > MAX_SCAN_WINDOW:
                return None
            room = target - ends[j]  # the gap of a line starting at i is room + offsets[i]
            row = first - base  # rows are counted from base here
            gap = room + offs[row]
            # A negative gap is an overflow.
            best = ent[row] - gap * overflow if gap < 0 else ent[row] + gap * gap
            for i in range(row + 1, j - base):
                gap = room + offs[i]
                value = ent[i] - gap * overflow if gap < 0 else ent[i] + gap * gap
                if value < best:  # a tie stays with the upper row
                    best, row = value, i
            first = row + base
            best_row[j] = first
            add_entry(best + nline)
        entry[chunk_start:chunk_stop] = array("d", ent[chunk_start - base :])
    if count:
        if count - first > MAX_SCAN_WINDOW:
            return None
        last_cost = _last_line_cost(offsets, ends, target, entry)
        row = first
        best = last_cost(first)
        for i in range(first + 1, count):
            value = last_cost(i)
            if value < best:
                best, row = value, i
        best_row[count] = row
        entry[count] = best + nline
    widest = max(target * target, (offsets[count] - target) * overflow)
    if max(entry) + widest >= EXACT_FLOATS:
        return None
    return best_row, entry


def _last_line_cost(
    offsets: array[float], ends: array[float], target: float, entry: array[float]
) -> Callable[[int], float]:
    """cost(i, count): the last line pays no gap, but a lone short word pays a little."""
    count = len(offsets) - 1
    end = ends[count]
    short_last_line = target / SHORT_LAST_LINE_FRACTION

    def cost(i: int) -> float:
        width = end - offsets[i]
        if width > target:
            return entry[i] + (width - target) * OVERFLOW_PENALTY
        if i + 1 == count and width < short_last_line:
            return entry[i] + SHORT_LAST_LINE_PENALTY
        return entry[i]

    return cost


def online_best_rows(
    offsets: array[float], ends: array[float], line_width: int
) -> tuple[array[int], list[float]]:
    """The crate's own search, step for step: best row and cost of every column."""
    count = len(offsets) - 1
    target = max(float(line_width), 1.0)
    short_last_line = target / SHORT_LAST_LINE_FRACTION
    best_row = array("q", [0])
    best_cost = [0.0]

    nline, overflow, short_penalty = NLINE_PENALTY, OVERFLOW_PENALTY, SHORT_LAST_LINE_PENALTY

    def cost(i: int, j: int) -> float:
        """Cost of the best layout of fragments[:i] plus one line holding fragments[i:j]."""
        width = ends[j] - offsets[i]
        if width > target:
            return best_cost[i] + nline + (width - target) * overflow
        if j < count:
            gap = target - width
            return best_cost[i] + nline + gap * gap
        if i + 1 == j and width < short_last_line:
            return best_cost[i] + nline + short_penalty
        return best_cost[i] + nline

    _online_column_minima(count + 1, cost, best_row, best_cost)
    return best_row, best_cost


def _online_column_minima(
    size: int,
    cost: Callable[[int, int], float],
    best_row: array[int],
    best_cost: list[float],
) -> None:
    """Fill best_row/best_cost for columns 1..size-1 the way smawk's online_column_minima does.

    Column j's minimum over rows i < j may depend on the minima of earlier columns (the cost
    reads best_cost[i]), so columns are settled left to right: `finished` columns are final,
    columns up to `tentative` hold provisional minima from the last square block solved.
    """
    finished = base = tentative = 0
    while finished < size - 1:
        i = finished + 1
        if i > tentative:
            rows = list(range(base, finished + 1))
            tentative = min(finished + len(rows), size - 1)
            columns = list(range(finished + 1, tentative + 1))
            minima: dict[int, tuple[int, float]] = {}
            _smawk(cost, rows, columns, minima)
            for column in columns:
                row, value = minima[column]
                if column >= len(best_cost):
                    best_row.append(row)
                    best_cost.append(value)
                elif value < best_cost[column]:
                    best_row[column] = row
                    best_cost[column] = value
            finished = i
            continue
        diagonal = cost(i - 1, i)
        if diagonal < best_cost[i]:
            best_row[i] = i - 1
            best_cost[i] = diagonal
            base = i - 1
            tentative = finished = i
            continue
        if cost(i - 1, tentative) >= best_cost[tentative]:
            finished = i
            continue
        base = i - 1
        tentative = finished = i


def _smawk(
    cost: Callable[[int, int], float],
    rows: list[int],
    columns: list[int],
    minima: dict[int, tuple[int, float]],
) -> None:
    """SMAWK column minima of a (totally monotone) block; ties go to the upper row.

    `minima[column]` is (row, cost): the block's rows are settled, so a cost found here is the
    one the caller would compute again."""
    if not columns:
        return
    survivors: list[int] = []
    kept = 0  # len(survivors), counted here: the loop runs millions of times
    limit = len(columns)
    for row in rows:
        while kept:
            column = columns[kept - 1]
            if cost(survivors[-1], column) > cost(row, column):
                survivors.pop()
                kept -= 1
            else:
                break
        if kept != limit:
            survivors.append(row)
            kept += 1
    if limit > 1:
        _smawk(cost, survivors, columns[1::2], minima)
    r = 0
    last = len(columns) - 1
    for c in range(0, len(columns), 2):
        column = columns[c]
        row = best_row = survivors[r]
        last_row = survivors[-1] if c == last else minima[columns[c + 1]][0]
        best = cost(row, column)
        while row != last_row:
            r += 1
            row = survivors[r]
            value = cost(row, column)
            if value < best:  # a tie stays with the upper row
                best, best_row = value, row
        minima[column] = (best_row, best)

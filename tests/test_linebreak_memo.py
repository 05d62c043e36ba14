"""`break_opportunities` remembers what each word (with its spaces) does to the scanner; the
answer must be the one scanning the whole text at once gives, whatever was remembered before.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples
from test_wrap_shortcut import PIECES

from ferris_says import linebreak
from ferris_says.linebreak_rules import ALLOWED_BREAK_BIT, COLUMNS, MANDATORY_BREAK_BIT, eot, sot

words = st.sampled_from([*PIECES, "ferris", "a", "well-known", "こんにちは", "x" * 70, "  "])
texts = st.lists(words | st.text(max_size=4), max_size=30).map(" ".join)


def whole_scan(text: str) -> list[int]:
    """The scanner over the whole text in one go (what the memo must reproduce)."""
    linebreak.break_opportunities("")  # loads the pair table
    inside, state, after_zwj = linebreak._scan(linebreak._classes(text), sot, False)
    breaks = list(inside)
    value = linebreak._pair_table[state * COLUMNS + eot]
    if value & ALLOWED_BREAK_BIT and (not after_zwj or value & MANDATORY_BREAK_BIT):
        breaks.append(len(text))
    return breaks


@settings(max_examples=examples(1500), deadline=None)
@given(texts, texts)
@example("a\u200d b \u200d\u200d c", "")
@example("ab" * 40 + " " + "ab" * 40, "x")  # tokens too long to remember
def test_remembered_tokens_give_the_whole_scan(first: str, second: str) -> None:
    # `first` fills the memo in whatever states it reaches; `second` then meets it.
    assert linebreak.break_opportunities(first) == whole_scan(first)
    assert linebreak.break_opportunities(second) == whole_scan(second)
    both = first + second
    assert linebreak.break_opportunities(both) == whole_scan(both)


def test_the_memo_stays_bounded() -> None:
    # Letters and digits in the pattern of n's binary digits: every word has its own classes.
    count = 3 * linebreak.TOKEN_CACHE_SIZE
    words = " ".join(format(n, "b").replace("0", "a") for n in range(count))
    assert linebreak.break_opportunities(words) == whole_scan(words)
    sizes = [len(memo) for memo in linebreak._known_tokens]
    assert max(sizes) == linebreak.TOKEN_CACHE_SIZE

"""Merging whitespace runs with a regular expression: the slow path of `bubble.merge_whitespace`,
in a module of its own so that texts with nothing to merge (most of them) never import `re`."""

from __future__ import annotations

import re

# Rust's regex `[^\S\r\n]+`: a run of Unicode White_Space other than CR and LF. Python's `\s`
# would also take U+001C..U+001F, which are not White_Space, so the class is spelled out.
WHITESPACE_RUN = re.compile(
    "[\t\x0b\x0c \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)


def merge_runs(text: str) -> str:
    """Each run of whitespace other than line breaks becomes one space."""
    return WHITESPACE_RUN.sub(" ", text)

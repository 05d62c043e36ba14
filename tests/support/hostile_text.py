"""Text that grows when it is escaped or encoded, shared by the tests of the cutters."""

from __future__ import annotations

from hypothesis import strategies as st

#: JSON's \uXXXX, repr's \x1b, UTF-8's 4 bytes, a surrogate escape, quotes, whitespace.
hostile_text = st.text(
    st.sampled_from(
        ["é", "日", "😀", "\x01", "\x1b", "\n", "\t", '"', "\\", "'", "\udcff", "a", " "]
    )
    | st.characters(),
    max_size=3000,
)

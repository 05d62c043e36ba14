"""What the Rust crate draws, written out by hand from ferris-says 0.3.2's src/lib.rs.

Shared by the tests so the expectations never come from the module under test.
"""

# MASCOT, without and with the crate's "clippy" feature: written right after the bottom border.
CRATE_FERRIS = r"""
        \
         \
            _~^~^~_
        \) /  o o  \ (/
          '_   -   _'
          / '-----' \
"""

CRATE_CLIPPY = r"""
        \
         \
            __
           /  \
           |  |
           @  @
           |  |
           || |/
           || ||
           |\_/|
           \___/
"""

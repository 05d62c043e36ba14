"""Ferris the crab says your words, exactly as the Rust crate ferris-says 0.3.2 draws them."""

__version__ = "0.2.0"

from ferris_says.bubble import iter_say, say

__all__ = ["say", "iter_say", "__version__"]

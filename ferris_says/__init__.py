"""Ferris the crab says your words, exactly as the Rust crate ferris-says 0.3.2 draws them."""

__version__ = "0.2.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ferris_says.bubble import iter_say, say

__all__ = ["say", "iter_say", "__version__"]


def __getattr__(name: str) -> object:
    """`say` and `iter_say`, imported on first use: the drop-in commands never load the
    crate's bubble."""
    if name in ("say", "iter_say"):
        from ferris_says import bubble

        return getattr(bubble, name)
    raise AttributeError(f"module 'ferris_says' has no attribute {name!r}")

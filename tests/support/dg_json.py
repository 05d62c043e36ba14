"""Reading `dg list ... --json` in every layout the Dagster range of the `dagster` extra produces.

dagster-dg-cli 1.11 and 1.12+ write different JSON (seen by running both):

- `dg list defs --json`: each asset's key is under `"key"` in 1.11, `"asset_key"` from 1.12 on.
  (Asset checks carry both `"key"` and `"asset_key"` in both: their `"key"` is `asset:check`.)
- `dg list components --json`: a bare list in 1.11, `{"items": [...]}` from 1.12 on.

A layout that is neither raises, naming what it got: a new layout must fail the test, not be
read as an empty listing.
"""

from __future__ import annotations

from typing import Any

# Where each version puts an asset's key in `dg list defs --json`, newest first.
ASSET_KEY_FIELDS = ("asset_key", "key")
COMPONENTS_WRAPPER = "items"


class UnknownDgLayout(ValueError):
    """dg wrote JSON in a layout none of the known versions write."""


def listed_asset_keys(defs: Any) -> set[str]:
    """The asset keys of a `dg list defs --json` listing, as user strings (`a/b`)."""
    if not isinstance(defs, dict) or not isinstance(defs.get("assets"), list):
        raise UnknownDgLayout(f"dg list defs: no 'assets' list in {str(defs)[:200]}")
    keys: set[str] = set()
    for asset in defs["assets"]:
        fields = [name for name in ASSET_KEY_FIELDS if isinstance(asset, dict) and name in asset]
        if not fields or not isinstance(asset[fields[0]], str):
            raise UnknownDgLayout(f"dg list defs: an asset with no key field: {str(asset)[:200]}")
        keys.add(asset[fields[0]])
    return keys


def listed_components(listing: Any) -> list[dict[str, Any]]:
    """The component entries of a `dg list components --json` listing."""
    if isinstance(listing, dict) and COMPONENTS_WRAPPER in listing:
        listing = listing[COMPONENTS_WRAPPER]
    if not isinstance(listing, list) or not all(
        isinstance(item, dict) and isinstance(item.get("key"), str) for item in listing
    ):
        raise UnknownDgLayout(f"dg list components: not a list of entries: {str(listing)[:200]}")
    return listing

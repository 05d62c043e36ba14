"""dg_json reads every `dg list --json` layout of the supported range, and refuses any other.

The layouts are the ones dagster-dg-cli 1.11 and 1.12+ write (tests/support/dg_json.py); the
real `dg` output of each is read by tests/test_component.py on each line of
`make test-dagster-matrix`.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.dg_json import UnknownDgLayout, listed_asset_keys, listed_components

# Asset keys as dg prints them: slash-joined path parts.
asset_keys = st.lists(
    st.lists(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True), min_size=1, max_size=3
    ).map("/".join),
    max_size=6,
    unique=True,
)
component_keys = st.lists(
    st.from_regex(r"[a-z_]{1,8}(\.[A-Za-z_]{1,8}){1,3}", fullmatch=True), max_size=6, unique=True
)
checks = st.lists(st.sampled_from(["ferris_should_say_something", "ferris_should_speak_3_words"]))


def defs_1_11(keys: list[str], check_names: list[str]) -> dict[str, Any]:
    """`dg list defs --json` as dagster-dg-cli 1.11 writes it."""
    return {
        "assets": [{"key": key, "deps": [], "group": "default"} for key in keys],
        "asset_checks": [
            {"key": f"{key}:{name}", "asset_key": key, "name": name}
            for key in keys
            for name in check_names
        ],
        "jobs": [],
    }


def defs_1_12(keys: list[str], check_names: list[str]) -> dict[str, Any]:
    """... and as 1.12 and later write it."""
    return {
        "assets": [
            {"asset_key": key, "asset_key_parts": key.split("/"), "group_name": "default"}
            for key in keys
        ],
        "asset_checks": defs_1_11(keys, check_names)["asset_checks"],
        "jobs": [],
    }


@given(asset_keys, checks, st.sampled_from([defs_1_11, defs_1_12]))
def test_every_layout_gives_the_same_asset_keys(
    keys: list[str], check_names: list[str], layout: Callable[[list[str], list[str]], Any]
) -> None:
    # Through JSON text, as the tests read dg's stdout.
    listing = json.loads(json.dumps(layout(keys, check_names)))
    assert listed_asset_keys(listing) == set(keys)


@given(component_keys, st.booleans())
def test_a_bare_list_and_items_give_the_same_components(keys: list[str], wrapped: bool) -> None:
    entries = [{"key": key, "summary": f"about {key}"} for key in keys]
    listing: Any = {"items": entries} if wrapped else entries
    assert listed_components(json.loads(json.dumps(listing))) == entries


@pytest.mark.parametrize(
    "listing",
    [
        [],
        {},
        {"assets": {"key": "ferris"}},
        {"assets": [{"name": "ferris"}]},
        {"assets": [{"asset_key": ["ferris"]}]},
        {"assets": ["ferris"]},
        None,
    ],
)
def test_an_unknown_defs_layout_fails_loudly(listing: Any) -> None:
    with pytest.raises(UnknownDgLayout, match="dg list defs"):
        listed_asset_keys(listing)


@pytest.mark.parametrize(
    "listing",
    [
        {"components": []},
        {"items": {"key": "x.Y"}},
        [{"name": "x.Y"}],
        ["x.Y"],
        "x.Y",
        None,
    ],
)
def test_an_unknown_components_layout_fails_loudly(listing: Any) -> None:
    with pytest.raises(UnknownDgLayout, match="dg list components"):
        listed_components(listing)

"""How FerrisSaysComponent checks its attributes at load, so that it never accepts what could
never run: the checkers of ``ferris_says.attributes`` (the ones the command line and the Pipes
extras use), and Dagster's own rules for what goes into the asset's spec.

Every attribute is read the same way (`resolved`): text as written, never through Dagster's
``NativeTemplate``, whose ``ast.literal_eval`` turns ``"None"`` into nothing and ``"12"`` into a
number; a string holding ``{{``, ``{%`` or ``{#`` is a Jinja template, rendered as text with
Dagster's scope, and one that renders to nothing (``{{ env.UNSET }}``) is an error, never an
attribute silently left out. A refusal is raised as Dagster reports a resolver's error, naming
``defs.yaml:LINE - attributes.X``, with our one-line message (`refusal`).

Python 3.9 syntax, as ``ferris_says.dagster``.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import sha256
from typing import Any, Callable, Optional, TypeVar

import dagster as dg
from pydantic import BaseModel

from ferris_says import attributes
from ferris_says.errors import VALUE_SHOWN, FerrisUsageError, shown

# What a located action gives back.
Checked = TypeVar("Checked")

__all__ = [
    "LOAD_ERROR_MAX_CHARS",
    "check_asset_key",
    "TEMPLATE_MARKERS",
    "check_group_name",
    "check_kinds",
    "check_owners",
    "check_partition_keys",
    "check_tags",
    "checked",
    "dagster_takes",
    "located",
    "native",
    "op_name",
    "refusal",
    "render_text",
    "renders_nothing",
    "resolved",
]

#: Jinja's markers: text holding none of them is never rendered, so it reaches ferris-says as
#: written.
TEMPLATE_MARKERS = ("{{", "{%", "{#")

#: Dagster's resolver errors quote the YAML around the attribute; past this many characters
#: (the line of a 1 MiB value) the quote is left out, and the location and message stay.
LOAD_ERROR_MAX_CHARS = 4096


class _RendersNothing(Exception):
    """A template expression gave None: an unset variable (``{{ env.UNSET }}``), mostly."""


def _nothing_is_no_text(value: Any) -> Any:
    if value is None:
        raise _RendersNothing()
    return value


def render_text(context: dg.ResolutionContext, raw: str, name: str) -> str:
    """``raw`` as written, or, when it holds a template marker, rendered by plain Jinja as text
    (text in, text out) with Dagster's scope; a usage error when it renders to nothing."""
    attributes.text(raw, name)  # before Jinja, which would fail on NUL less clearly
    if not any(marker in raw for marker in TEMPLATE_MARKERS):
        return raw
    import jinja2  # a dependency of dagster; only templates need it

    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_nothing_is_no_text,
    )
    try:
        rendered = environment.from_string(raw).render(**context.scope)
    except _RendersNothing:
        whole = raw.count("{{") == 1 and raw.strip().startswith("{{") and raw.strip().endswith("}}")
        if whole:
            raise renders_nothing(name, raw) from None
        raise FerrisUsageError(
            f"{name} {shown(raw, VALUE_SHOWN)}: a part of it resolves to nothing"
            " (an unset variable?)"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise FerrisUsageError(
            f"{name} {shown(raw, VALUE_SHOWN)} is not a valid template:"
            f" {shown(error.message or '', VALUE_SHOWN)}"
            f" (line {error.lineno})"
        ) from None
    except Exception as error:  # the template's own expression failed: say why, bounded
        raise FerrisUsageError(
            f"{name} {shown(raw, VALUE_SHOWN)}: its template fails:"
            f" {shown(str(error), VALUE_SHOWN)}"
        ) from None
    if not rendered:
        raise renders_nothing(name, raw)
    return rendered


def renders_nothing(name: str, raw: str) -> FerrisUsageError:
    return FerrisUsageError(
        f"{name} {shown(raw, VALUE_SHOWN)} resolves to nothing (an unset variable?)"
    )


def native(context: dg.ResolutionContext, raw: Any, name: str) -> Any:
    """Dagster's own reading of ``raw`` (a template may give a number or a bool), for the
    attributes that are no text; a template that gives nothing is an error here too."""
    value = context.resolve_value(raw) if isinstance(raw, str) else raw
    if isinstance(raw, str) and (value is None or value == ""):
        raise renders_nothing(name, raw)
    return value


def refusal(context: dg.ResolutionContext, field: str, model: BaseModel, message: str) -> Exception:
    """Dagster's resolver error for ``field`` at ``context``'s place in defs.yaml: the file,
    line and attribute, the YAML around it when that is short, and ``message``."""
    error = context.build_resolve_fn_exc([f"{message}\n"], field_name=field, model=model)
    if len(str(error)) > LOAD_ERROR_MAX_CHARS:
        location = str(error).split("\n", 1)[0] if context.source_position_tree else ""
        error = type(error)(f"{location}\n{message}\n" if location else f"{message}\n")
    return error


def located(
    context: dg.ResolutionContext, field: str, model: BaseModel, action: Callable[[], Checked]
) -> Checked:
    """``action()``; a usage error it raises becomes Dagster's resolver error at ``context``,
    raised outside the handler, so that the chain Dagster prints ends at our line, not at the
    Python error (a UnicodeEncodeError, an OSError) the checker put into words."""
    try:
        return action()
    except FerrisUsageError as error:
        message = str(error)
    raise refusal(context, field, model, message)


def resolved(
    context: dg.ResolutionContext, raw: Any, field: str, model: BaseModel, name: str = ""
) -> Any:
    """``raw`` with every string in it read as text (`render_text`), lists and mappings item by
    item, each refusal located at its item (``name``: how messages call it, ``kinds[0]``)."""
    name = name or field
    if isinstance(raw, str):
        return located(context, field, model, lambda: render_text(context, raw, name))
    if isinstance(raw, list):
        return [
            resolved(context.at_path(index), item, field, model, f"{name}[{index}]")
            for index, item in enumerate(raw)
        ]
    if isinstance(raw, dict):
        return {
            key: resolved(
                context.at_path(key), item, field, model, f"{name}[{shown(key, VALUE_SHOWN)}]"
            )
            for key, item in raw.items()
        }
    return raw


def checked(
    field: str,
    check: Callable[[Any], Any],
    model_field_type: Any,
    description: str,
    examples: list[Any],
    as_text: bool = True,
) -> Any:
    """The resolver of one attribute: its value read as text (`resolved`), then ``check``ed;
    unset stays unset. Either failure is Dagster's error naming defs.yaml, line and attribute.

    ``as_text=False`` (a bool), and a whole list or mapping given as one string (a template
    that makes one), are read as Dagster reads them (`native`)."""

    def resolve(context: dg.ResolutionContext, model: BaseModel) -> Any:
        at = context.at_path(field)
        raw = getattr(model, field)
        if raw is None:
            return None
        text_wanted = as_text and (_is_text(model_field_type) or not isinstance(raw, str))
        if text_wanted:
            value = resolved(at, raw, field, model)
            return located(at, field, model, lambda: check(value))
        return located(at, field, model, lambda: check(native(at, raw, field)))

    return dg.Resolver.from_model(
        resolve, model_field_type=model_field_type, description=description, examples=examples
    )


def _is_text(model_field_type: Any) -> bool:
    return model_field_type in (str, Optional[str])


# ---- what Dagster itself refuses in an asset's spec, asked of Dagster at load ------------------


@contextmanager
def dagster_takes(name: str, value: object) -> Iterator[None]:
    """What Dagster raises inside, for ``value``, becomes a usage error: one bounded line."""
    try:
        yield
    except Exception as error:  # Dagster's own words, its first line, escaped and cut
        reason = str(error).strip().split("\n", 1)[0]
        raise FerrisUsageError(
            f"{name} {shown(value, VALUE_SHOWN)}: Dagster refuses it ({shown(reason, VALUE_SHOWN)})"
        ) from None


def check_asset_key(value: object) -> str:
    """An asset key the component's multi_asset can be built with (Dagster derives names from
    it), built here with Dagster's own decorator."""
    key = attributes.check_asset_key(value)
    spec = dg.AssetSpec(dg.AssetKey.from_user_string(key))
    with dagster_takes("asset_key", key):
        dg.multi_asset(name=op_name(spec.key), specs=[spec])(_no_op)
    return key


def _no_op() -> None:
    """The body of the multi_asset built to check an asset key; it never runs."""


def check_group_name(value: object) -> str:
    group = attributes.text(value, "group_name")
    with dagster_takes("group_name", group):
        dg.AssetSpec("ferris", group_name=group)
    return group


def check_owners(value: object) -> list[str]:
    owners = _texts(value, "owners")
    for index, owner in enumerate(owners):
        with dagster_takes(f"owners[{index}]", owner):
            dg.AssetSpec("ferris", owners=[owner])
    return owners


def check_kinds(value: object) -> list[str]:
    return _texts(value, "kinds")


def check_tags(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise FerrisUsageError(f"tags must be a mapping, not {attributes.kind(value)}")
    # Tag values are strings to Dagster; `version: 2` in YAML means "2".
    tags = {
        attributes.text(key, "a tag's name"): attributes.text(
            item if isinstance(item, str) else str(item), f"tags[{shown(key, VALUE_SHOWN)}]"
        )
        for key, item in value.items()
    }
    for key, item in tags.items():
        with dagster_takes(f"tags[{shown(key, VALUE_SHOWN)}]", item):
            dg.AssetSpec("ferris", tags={key: item})
    return tags


def check_partition_keys(value: object) -> list[str]:
    keys = _texts(value, "partition_keys")
    with dagster_takes("partition_keys", keys):
        dg.StaticPartitionsDefinition(keys)
    return keys


def _texts(value: object, name: str) -> list[str]:
    if not isinstance(value, list):
        raise FerrisUsageError(f"{name} must be a list, not {attributes.kind(value)}")
    return [attributes.text(item, f"{name}[{index}]") for index, item in enumerate(value)]


# ---- op names --------------------------------------------------------------------------------

# A key written the way Dagster names an @asset's op ("a/b" -> "a__b") loses nothing when each
# part is [A-Za-z0-9_]+ with no "__" and no "_" at either end: such names stay as Dagster would
# make them. Any other key ("a-b", "a__b", "x/_y") gets a digest of the key appended, so that two
# different keys in two defs.yaml never make one op name ("conflicting node definitions").
_PLAIN_PART = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|_(?!_))*(?<!_)")
_DIGEST_SUFFIX = re.compile(r"_k[0-9a-f]{12}$")


def op_name(key: dg.AssetKey) -> str:
    # An op name is [A-Za-z0-9_]+; Dagster names an @asset's op the same way from its key.
    name = re.sub(r"[^A-Za-z0-9_]", "_", "__".join(key.path))
    lossless = all(_PLAIN_PART.fullmatch(part) for part in key.path)
    if lossless and not _DIGEST_SUFFIX.search(name):
        return name
    digest = sha256(json.dumps(key.path).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{name}_k{digest}"

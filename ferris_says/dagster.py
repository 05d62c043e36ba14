"""Ferris for Dagster projects: ``FerrisSaysComponent``, five lines of ``defs.yaml``.

Installed with the ``dagster`` extra (``pip install '.[dagster]'`` in a clone); nothing on the
command's own path imports this module, so the command's cold start and its base install
(click, rich, cowsay, dagster-pipes) do not change. ``dg`` finds the component through the
``dagster_dg_cli.registry_modules`` entry point of ferris-says (``dg list components``).

Python 3.9 syntax on purpose: the extra admits Dagster 1.11 and 1.12, which still run there.
"""

import json
import re
import sys
from typing import Annotated, Any, Optional

import dagster as dg
from pydantic import BaseModel, Field, field_validator

from ferris_says.bubble import MAX_WIDTH
from ferris_says.characters import DEFAULT_CHARACTER
from ferris_says.component_checks import (
    check_asset_key,
    check_words,
    no_nul_or_surrogate,
)
from ferris_says.component_checks import op_name as _op_name
from ferris_says.dagster_looks import LookAttributes, check_character
from ferris_says.install_hints import extra_install
from ferris_says.pipes.reports import CHECK_SAID_SOMETHING, CHECK_THREE_WORDS

__all__ = ["FerrisSaysComponent"]

# The checks the blog's asset declares, which ferris-says reports on every run.
CHECK_NAMES = (CHECK_SAID_SOMETHING, CHECK_THREE_WORDS)

DEFAULT_ASSET_KEY = "ferris"

# Jinja's markers: words holding none of them are never rendered, so they reach ferris-says as
# written (see _resolve_words).
_TEMPLATE_MARKERS = ("{{", "{%", "{#")


def _resolve_words(context: dg.ResolutionContext, raw: Any) -> Any:
    """The words as written in YAML, templates rendered as text.

    Dagster resolves every YAML string with jinja2's NativeTemplate, whose ``native_concat``
    passes the rendered text to ``ast.literal_eval``: a string that reads as a Python literal
    becomes that value, so the blog's ``'Say, say, say'`` would lose its quotes, ``42`` would
    become an int and ``None`` nothing at all. Words are text: this resolver (registered with
    ``inject_before_resolve=False``, so Dagster hands it the raw string) returns them unchanged,
    and renders them with plain jinja2 (text in, text out) only when they hold a template
    marker, with the same scope Dagster offers (``{{ env.WORDS }}`` and the like).
    """
    if not isinstance(raw, str) or not any(marker in raw for marker in _TEMPLATE_MARKERS):
        return check_words(raw)  # here, the error names the YAML file, line and attribute
    no_nul_or_surrogate(raw, "words")  # before Jinja, which would fail on them less clearly
    import jinja2  # a dependency of dagster; only templated words need it

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return check_words(environment.from_string(raw).render(**context.scope))


def _resolve_asset_key(context: dg.ResolutionContext, asset_key: Any) -> Any:
    # Raised here, the error carries the YAML file, line and attribute (Dagster adds them).
    return check_asset_key(asset_key)


# What --width takes: the crate's usize. The bounds sit on the int itself, not on the field,
# because Dagster's YAML model also admits a string there (a template) for every field.
Width = Annotated[int, Field(ge=0, le=MAX_WIDTH)]


def _resolve_width(context: dg.ResolutionContext, raw: Any) -> Any:
    # Given the raw value (inject_before_resolve=False), so that a template that renders to
    # nothing ("{{ env.UNSET }}") is an error here, not a silent "no wrapping".
    width = context.resolve_value(raw) if isinstance(raw, str) else raw
    if isinstance(raw, str) and (width is None or width == ""):
        raise ValueError(
            f"width {raw!r} resolves to nothing (an unset variable?); leave width out for no"
            " re-wrapping"
        )
    if isinstance(width, str):  # still a string once Dagster resolved it: no number
        raise ValueError(f"width must be a whole number from 0 to {MAX_WIDTH}, not {width!r}")
    return width


def _resolve_character(context: dg.ResolutionContext, name: Any) -> Any:
    # Raised here, the error carries the YAML file, line and attribute (Dagster adds them).
    return check_character(name) if isinstance(name, str) else name


def _resolve_tags(context: dg.ResolutionContext, tags: Any) -> Any:
    # Tag values are strings to Dagster; `version: 2` in YAML means "2".
    resolved = context.resolve_value(tags)
    return {key: str(value) for key, value in resolved.items()} if resolved else resolved


def docker_client_class() -> type:
    """dagster-docker's PipesDockerClient, or an ImportError naming the extra to install."""
    try:
        from dagster_docker import PipesDockerClient
    except ImportError as error:
        raise ImportError(
            "FerrisSaysComponent with `image:` runs the image with dagster-docker's"
            " PipesDockerClient, and dagster-docker is not installed"
            f" ({error}); install ferris-says with its docker extra: {extra_install('docker')}"
        ) from error
    return PipesDockerClient


def _resolve_image(context: dg.ResolutionContext, image: Any) -> Any:
    if isinstance(image, str):
        docker_client_class()  # fail at load, naming the file and attribute, not at run time
    return image


class ScaffoldParams(BaseModel):
    """`dg scaffold defs ferris_says.dagster.FerrisSaysComponent NAME [--words ...]`."""

    words: Optional[str] = Field(default=None, description="What Ferris says.")
    asset_key: Optional[str] = Field(
        default=None, description="The asset's key (default: the folder's name)."
    )


DEFAULT_SCAFFOLD_WORDS = "Hello fellow Rustaceans!"


class FerrisSaysScaffolder(dg.Scaffolder):
    """Writes a defs.yaml (or component.py) that materializes as it is."""

    @classmethod
    def get_scaffold_params(cls) -> type:
        return ScaffoldParams

    def scaffold(self, request: dg.ScaffoldRequest) -> None:
        params = request.params if isinstance(request.params, ScaffoldParams) else ScaffoldParams()
        words = params.words if params.words is not None else DEFAULT_SCAFFOLD_WORDS
        asset_key = params.asset_key or _key_from_folder(request.target_path.name)
        request.target_path.mkdir(parents=True, exist_ok=True)
        if request.scaffold_format == "python":
            (request.target_path / "component.py").write_text(
                _PYTHON_TEMPLATE.format(
                    type_name=request.type_name.rsplit(".", 1)[-1],
                    module=request.type_name.rsplit(".", 1)[0],
                    asset_key=repr(asset_key),
                    words=repr(words),
                ),
                encoding="utf-8",
            )
            return
        # JSON strings are YAML double-quoted scalars: any words, quotes included, survive.
        (request.target_path / "defs.yaml").write_text(
            _YAML_TEMPLATE.format(
                type_name=request.type_name,
                asset_key=json.dumps(asset_key, ensure_ascii=False),
                words=json.dumps(words, ensure_ascii=False),
            ),
            encoding="utf-8",
        )


def _key_from_folder(name: str) -> str:
    key = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return key or DEFAULT_ASSET_KEY


_YAML_TEMPLATE = """\
type: {type_name}
attributes:
  asset_key: {asset_key}
  words: {words}
  # width: 40            # wrap at 40 columns (unset: no re-wrapping)
  # character: clippy    # or a cowsay character: ferris-says --list-characters
"""

_PYTHON_TEMPLATE = """\
import dagster as dg

from {module} import {type_name}


@dg.component_instance
def load(context: dg.ComponentLoadContext) -> {type_name}:
    return {type_name}(asset_key={asset_key}, words={words})
"""


@dg.scaffold_with(FerrisSaysScaffolder)
class FerrisSaysComponent(dg.Component, dg.Resolvable, LookAttributes):
    """Ferris the crab says your words: an asset materialized by ferris-says through Dagster Pipes.

    The asset declares the blog post's two checks, ``ferris_should_say_something`` (ERROR) and
    ``ferris_should_speak_3_words`` (WARN); ferris-says evaluates both and reports the
    materialization, with the picture as Markdown metadata (``ferris``), ``ferris_said`` and a
    data version that is a hash of the words. It runs ``python -m ferris_says`` with the
    Python that runs Dagster (no PATH lookup), or, with ``image``, that container image through
    dagster-docker's ``PipesDockerClient`` (the ``docker`` extra of ferris-says).

    Words are said as written: quotes and all, never read as a Python literal. They are a Jinja
    template only when they hold ``{{``, ``{%`` or ``{#`` (``{{ env.WORDS }}``), rendered as text.

    Example:
        .. code-block:: yaml

            type: ferris_says.dagster.FerrisSaysComponent
            attributes:
              asset_key: ferris_greeting
              words: "'Say, say, say'"
              width: 12
    """

    words: Annotated[
        str,
        dg.Resolver(
            _resolve_words,
            model_field_type=str,
            inject_before_resolve=False,
            description=(
                "What Ferris says, exactly as written (quotes kept). A Jinja template only"
                " when it holds {{, {% or {#, rendered as text."
            ),
            examples=["'Say, say, say'", "Hello fellow Rustaceans!"],
        ),
    ]
    asset_key: Annotated[
        str,
        dg.Resolver(
            _resolve_asset_key,
            model_field_type=str,
            description="The asset's key; slashes separate the parts of a multi-part key.",
            examples=["ferris", "crabs/ferris"],
        ),
    ] = DEFAULT_ASSET_KEY
    width: Annotated[
        Optional[Width],
        dg.Resolver(
            _resolve_width,
            model_field_type=Optional[Width],
            inject_before_resolve=False,
            description=(
                "Wrap the words at this many columns, as the crate's say(text, width). Unset: no"
                " re-wrapping (the words' UTF-8 byte length, like the original command)."
            ),
            examples=[40],
        ),
    ] = None
    character: Annotated[
        Optional[str],
        dg.Resolver(
            _resolve_character,
            model_field_type=Optional[str],
            description=(
                f"Who says it: {DEFAULT_CHARACTER} (unset), clippy, a cowsay character"
                " (ferris-says --list-characters), or a .cow file's path (checked at load)."
            ),
            examples=["clippy", "tux"],
        ),
    ] = None
    description: Optional[str] = Field(default=None, description="The asset's description.")
    group_name: Optional[str] = Field(default=None, description="The asset's group.")
    tags: Annotated[
        Optional[dict[str, str]],
        dg.Resolver(
            _resolve_tags,
            model_field_type=Optional[dict[str, Any]],
            description="The asset's tags.",
            examples=[{"team": "crabs"}],
        ),
    ] = None
    kinds: Optional[list[str]] = Field(
        default=None, description="The asset's kinds, shown in Dagster's UI (at most three)."
    )
    owners: Optional[list[str]] = Field(
        default=None, description="The asset's owners: emails or team:name."
    )
    partition_keys: Optional[list[str]] = Field(
        default=None,
        description=(
            "Static partitions of the asset. Each partition's data version covers its key, and"
            " the materialization carries it as partition_key metadata."
        ),
        examples=[["north", "south"]],
    )
    image: Annotated[
        Optional[str],
        dg.Resolver(
            _resolve_image,
            model_field_type=Optional[str],
            description=(
                "Run this container image (ENTRYPOINT ferris-says) through dagster-docker's"
                " PipesDockerClient instead of a local subprocess."
            ),
            examples=["ferris-says:latest"],
        ),
    ] = None

    @field_validator("character")
    @classmethod
    def _known_character(cls, name: Optional[str]) -> Optional[str]:
        # Built in Python (FerrisSaysComponent(...)), no YAML resolver has checked it.
        return check_character(name)

    @field_validator("words")
    @classmethod
    def _words_fit_an_argument(cls, words: str) -> str:
        return check_words(words)

    @field_validator("asset_key")
    @classmethod
    def _asset_key_runs(cls, asset_key: str) -> str:
        return check_asset_key(asset_key)

    # ---- what runs -------------------------------------------------------------------------

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey.from_user_string(self.asset_key)

    def arguments(self) -> list[str]:
        """ferris-says' arguments: options, then ``--`` so words starting with ``-`` stay words."""
        args = ["--color", "never"]  # compute logs get the plain picture, whatever the env says
        if self.width is not None:
            args += ["--width", str(self.width)]
        if self.character is not None:
            args += ["--character", self.character]
        return [*args, *self.look_arguments(), "--", self.words]

    def local_command(self) -> list[str]:
        """The ferris-says of this environment, found through this Python, not through PATH."""
        return [sys.executable, "-m", "ferris_says", *self.arguments()]

    def pipes_client(self) -> Any:
        """The client that runs ferris-says: a local subprocess, or ``image`` under Docker."""
        if self.image is not None:
            return docker_client_class()()
        return dg.PipesSubprocessClient()

    def run(self, context: dg.AssetExecutionContext) -> Any:
        client = self.pipes_client()
        if self.image is not None:
            # The image's ENTRYPOINT is ferris-says: the command is its arguments.
            invocation = client.run(context=context, image=self.image, command=self.arguments())
        else:
            invocation = client.run(context=context, command=self.local_command())
        return invocation.get_results()

    # ---- definitions ------------------------------------------------------------------------

    def asset_spec(self) -> dg.AssetSpec:
        partitions = (
            dg.StaticPartitionsDefinition(list(self.partition_keys))
            if self.partition_keys is not None
            else None
        )
        return dg.AssetSpec(
            key=self.key,
            description=self.description,
            group_name=self.group_name,
            tags=self.tags or None,
            kinds=set(self.kinds) if self.kinds else None,
            owners=self.owners,
            partitions_def=partitions,
        )

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        if self.image is not None:
            docker_client_class()
        spec = self.asset_spec()
        component = self

        @dg.multi_asset(
            name=_op_name(spec.key),
            specs=[spec],
            check_specs=[dg.AssetCheckSpec(name, asset=spec.key) for name in CHECK_NAMES],
        )
        def _ferris_says(context: dg.AssetExecutionContext) -> Any:
            yield from component.run(context)

        return dg.Definitions(assets=[_ferris_says])

"""Where the Pipes params come from, and which context loader and message writer serve them.

Where from: ``DAGSTER_PIPES_CONTEXT`` / ``DAGSTER_PIPES_MESSAGES``, each absent one falling back
on its own to ``./fake_temp/``; or ``--dagster-pipes-context B64 --dagster-pipes-messages B64``
(``PipesSession.get_bootstrap_cli_arguments()``, for Dagster's clients that cannot set variables:
Glue, Dataproc, EMR on EKS, Databricks serverless), which win over the environment as a whole:
both must be given, the variables are ignored, and nothing falls back. Either way the params are
decoded and checked at every stage here, and each failure is a FerrisError whose ``where`` is the
variable or argument that carried them.

Which loader and writer: a file, inline data or stdio are served by ferris-says' own
(``FerrisContextLoader`` here, ``channel``); a bucket, or with ``--pipes-store volumes`` a
messages directory, by the chosen store's (``stores``). The params alone cannot tell S3 from GCS
from Azure, so a bucket with no store chosen (``--pipes-store`` or ``FERRIS_SAYS_PIPES_STORE``)
is an error, never a guess.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import sys
import zlib
from typing import TYPE_CHECKING, Any, cast

from dagster_pipes import PipesContextLoader, PipesEnvVarParamsLoader, PipesMessageWriter

from ferris_says import inputs
from ferris_says.errors import (
    PATH_SHOWN,
    SNIPPET_SHOWN,
    VALUE_SHOWN,
    FerrisError,
    quoted_list,
    shown,
)
from ferris_says.pipes import (
    ARG_FOR_VAR,
    CONTEXT_VAR,
    FAKE_CONTEXT,
    FAKE_MESSAGES,
    FAKE_TEMP_DIR,
    MESSAGES_VAR,
    STORE_OPTION,
    STORE_VAR,
    STORES,
)
from ferris_says.pipes.channel import FerrisMessageWriter
from ferris_says.pipes.sources import (
    CONTEXT_DEFAULTS,
    FileId,
    check_path,
    decompress_capped,
    fail,
    json_kind,
    json_stage_error,
    parse_json,
    read_context_file,
    short,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from dagster_pipes import PipesContextData, PipesParams

    from ferris_says.request import Request

# Keys dagster-pipes' PipesDefaultContextLoader / PipesDefaultMessageWriter understand.
CONTEXT_FORMS = ("path", "data", "bucket")
MESSAGES_FORMS = ("path", "stdio", "buffered_stdio", "bucket")
MESSAGES_OPTIONS = ("include_stdio_in_messages", "log_writer")
# A blob store's params (dagster-aws, dagster-gcp, dagster-azure): the bucket, and the context
# object's key or the messages chunks' prefix. Which store it is: --pipes-store.
CONTEXT_BUCKET_KEY = "key"
MESSAGES_BUCKET_PREFIX = "key_prefix"


class FerrisParamsLoader(PipesEnvVarParamsLoader):
    """dagster-pipes' params loader over the environment, or over the command line's two
    arguments when ``request`` gave them; every param must decode, at every stage, to an object
    of a form we can serve. From the environment, an absent variable falls back to ./fake_temp/.

    ``sources`` records, per variable, where its params came from: the variable, the argument,
    or the fallback file.
    """

    def __init__(self, request: Request | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call, unused-ignore]  # dagster-pipes leaves it unannotated
        self.from_command_line = request is not None and request.pipes_from_command_line
        if request is not None and self.from_command_line:
            given = ((CONTEXT_VAR, request.pipes_context), (MESSAGES_VAR, request.pipes_messages))
            # Keyed by the variables' names, as dagster-pipes reads its mapping.
            self._mapping = {var: value for var, value in given if value is not None}
        self.sources: dict[str, str] = {}
        self._loaded: dict[str, PipesParams] = {}

    def name(self, var: str) -> str:
        """What errors about ``var``'s params name: the variable, or the argument given for it."""
        return ARG_FOR_VAR[var] if self.from_command_line else var

    def is_dagster_pipes_process(self) -> bool:
        return True  # we only get here when a session was requested

    def load_context_params(self) -> PipesParams:
        return self._load(CONTEXT_VAR, FAKE_CONTEXT)

    def load_messages_params(self) -> PipesParams:
        return self._load(MESSAGES_VAR, FAKE_MESSAGES)

    def _load(self, var: str, fallback: str) -> PipesParams:
        if var not in self._loaded:
            self._loaded[var] = self._decode(var, fallback)
        return self._loaded[var]

    def _decode(self, var: str, fallback: str) -> PipesParams:
        where = self.name(var)
        if var not in self._mapping:
            other = self.name(MESSAGES_VAR if var == CONTEXT_VAR else CONTEXT_VAR)
            if self.from_command_line:
                raise fail(where, f"not given, while {other} is; Dagster gives both")
            if not os.path.isdir(FAKE_TEMP_DIR):
                raise fail(
                    where,
                    f"not set, while {other} is, and there is no ./{FAKE_TEMP_DIR}/ to fall"
                    " back on; Dagster sets both",
                )
            self.sources[var] = fallback
            return {"path": fallback}
        value = self._mapping[var]
        if not value.strip():
            raise fail(where, "is set but empty")
        try:
            base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _decode_stage_error(where, value, binascii.Error(str(exc))) from None
        try:
            # dagster-pipes' decode_param, with the decompressed size capped (a zlib bomb)
            params = json.loads(
                decompress_capped(base64.b64decode("".join(value.split()))).decode("utf-8")
            )
        except Exception as exc:
            raise _decode_stage_error(where, value, exc) from None
        check_params_form(var, params, where)
        self.sources[var] = where
        return cast("PipesParams", params)  # check_params_form: a JSON object


def _decode_stage_error(where: str, value: str, exc: BaseException) -> FerrisError:
    if isinstance(exc, binascii.Error):
        stage = "is not base64"
    elif isinstance(exc, zlib.error):
        stage = "is base64 but not zlib-compressed data"
    elif isinstance(exc, UnicodeDecodeError):
        stage = "decompresses to bytes that are not UTF-8"
    elif isinstance(exc, json.JSONDecodeError):
        stage = f"decompresses to text that is not JSON ({exc.msg})"
    elif isinstance(exc, OverflowError):  # decompress_capped
        stage = f"decompresses to a context that {exc}"
    else:
        stage = f"decompresses to text that {json_stage_error(exc)}"
    got = shown(value, SNIPPET_SHOWN)
    return fail(where, f"{stage}; Dagster sets it to base64(zlib(JSON)), got {got}")


def check_params_form(var: str, params: object, where: str) -> None:
    """``params`` (``var``'s, named ``where``) hold one form we serve, with sound values."""
    if not isinstance(params, dict):
        raise fail(where, f"decodes to a JSON {json_kind(params)}, expected an object")
    forms: tuple[str, ...]
    options: tuple[str, ...]
    if var == CONTEXT_VAR:
        forms, options = CONTEXT_FORMS, ()
        bucket_option = CONTEXT_BUCKET_KEY
        hint = (
            '{"path": FILE} (PipesTempFileContextInjector), {"data": {...}}'
            ' (PipesEnvContextInjector) or {"bucket", "key"} (a blob store)'
        )
    else:
        forms, options = MESSAGES_FORMS, MESSAGES_OPTIONS
        bucket_option = MESSAGES_BUCKET_PREFIX
        hint = (
            '{"path": FILE} (PipesTempFileMessageReader), {"stdio": "stderr"|"stdout"}'
            ' or {"bucket", "key_prefix"} (a blob store)'
        )
    if "bucket" in params:
        options = (*options, bucket_option)
    unknown = sorted(k for k in params if k not in forms and k not in options)
    if unknown:
        raise fail(
            where,
            f"unknown key(s) {quoted_list(unknown)} in {short(params)}; ferris-says serves {hint}",
        )
    if params.get("include_stdio_in_messages"):
        # dagster-pipes' stdio capture polls for a second at a time (a 6 s `hi`), prints its own
        # lines on stderr and sends them after `closed`; Dagster's subprocess client captures
        # stdout and stderr itself. Refused rather than run badly.
        raise fail(
            where,
            '"include_stdio_in_messages" is not supported by ferris-says: Dagster captures'
            " its stdout and stderr itself; leave it unset",
        )
    present = [k for k in forms if k in params]
    if len(present) != 1:
        raise fail(
            where, f"expected exactly one of {', '.join(map(repr, forms))}; got {short(params)}"
        )
    key = present[0]
    value = params[key]
    if key == "data":
        if not isinstance(value, dict):
            raise fail(where, f'"data" must be a JSON object, got a JSON {json_kind(value)}')
    elif key == "path":
        if not isinstance(value, str) or not value:
            raise fail(where, f'"path" must be a non-empty string, got {short(value)}')
        check_path(value, where, "context file" if var == CONTEXT_VAR else "messages file")
    elif key == "bucket":
        check_bucket_params(where, params, bucket_option)
    elif value not in ("stderr", "stdout"):
        raise fail(where, f'"{key}" must be "stderr" or "stdout", got {short(value)}')


def check_bucket_params(where: str, params: dict[str, Any], option: str) -> None:
    if not isinstance(params["bucket"], str) or not params["bucket"]:
        raise fail(where, f'"bucket" must be a non-empty string, got {short(params["bucket"])}')
    value = params.get(option)
    required = option == CONTEXT_BUCKET_KEY
    if (required or value is not None) and (not isinstance(value, str) or not value):
        raise fail(where, f'"{option}" must be a non-empty string, got {short(value)}')


def context_origin(sources: dict[str, str], params: PipesParams) -> str:
    """Where the context came from, as errors about its content name it."""
    source = sources.get(CONTEXT_VAR, CONTEXT_VAR)
    if source == FAKE_CONTEXT:
        return source
    if "path" in params:
        return f"{source}: context file {shown(params['path'], PATH_SHOWN)}"
    if "bucket" in params:
        key = shown(params[CONTEXT_BUCKET_KEY], PATH_SHOWN)
        bucket = shown(params["bucket"], PATH_SHOWN)
        return f"{source}: context object {key} in {bucket}"
    return f"{source}: inline data"


class FerrisContextLoader(PipesContextLoader):
    """dagster-pipes' default context loader (file or inline data), with clear errors and the
    keys a hand-written context leaves out filled in. The file is read through
    ``sources.read_context_file`` (regular files only, size capped); ``file_id`` is the
    context file's identity once read, so the messages file can be told apart from it."""

    def __init__(self, sources: dict[str, str]) -> None:
        self._sources = sources
        self.file_id: FileId | None = None

    @contextlib.contextmanager
    def load_context(self, params: PipesParams) -> Iterator[PipesContextData]:
        where = self._sources.get(CONTEXT_VAR, CONTEXT_VAR)
        if "path" in params:
            where = f"{where}: context file {shown(params['path'], PATH_SHOWN)}"
            raw, self.file_id = read_context_file(params["path"], where, sys.stdout)
            data = parse_json(raw, where)
        else:
            data = params["data"]
        if not isinstance(data, dict):
            raise fail(where, f"holds a JSON {json_kind(data)}, expected an object")
        full = dict(CONTEXT_DEFAULTS)
        full.update(data)
        yield cast("PipesContextData", full)  # the defaults complete what data holds


# ---- which loader and writer serve the params ---------------------------------------------------

BUCKET_STORES = tuple(store for store in STORES if store != "volumes")


def chosen_store(request: Request | None) -> tuple[str | None, str]:
    """(store, where the choice came from): --pipes-store first, then FERRIS_SAYS_PIPES_STORE."""
    if request is not None and request.pipes_store is not None:
        return request.pipes_store, STORE_OPTION
    value = (inputs.environ(STORE_VAR) or "").strip()  # its bytes as UTF-8, as every name
    if not value:
        return None, STORE_VAR
    if value.lower() not in STORES:
        raise fail(
            STORE_VAR,
            f"{shown(value, VALUE_SHOWN)} is not a Pipes store;"
            f" expected one of {', '.join(STORES)}",
        )
    return value.lower(), STORE_VAR


def transports(
    request: Request | None,
    context_params: Mapping[str, Any],
    messages_params: Mapping[str, Any],
    sources: dict[str, str],
    guard: Any,
) -> tuple[PipesContextLoader, PipesMessageWriter[Any], str | None]:
    """(context loader, message writer, the store in use or None)."""
    store, chosen_by = chosen_store(request)
    context_in_store = "bucket" in context_params
    messages_in_store = "bucket" in messages_params or (
        store == "volumes" and "path" in messages_params
    )
    for var, params in ((CONTEXT_VAR, context_params), (MESSAGES_VAR, messages_params)):
        if "bucket" in params and store not in BUCKET_STORES:
            now = f"; {chosen_by} says {store}" if store is not None else ""
            raise fail(
                sources.get(var, var),
                f"{short(params)} names a bucket{now}; say which store holds it:"
                f" {STORE_OPTION} {'|'.join(BUCKET_STORES)} (or {STORE_VAR})",
            )
    if store is None or not (context_in_store or messages_in_store):
        file_loader = FerrisContextLoader(sources)
        return file_loader, file_messages(sources, guard, file_loader), None
    # The stores' machinery (http.client, the bounded calls) is imported here, and only here:
    # a run on files or stdio never pays for it.
    from ferris_says.pipes.stores import StoreContextLoader, StoreMessageWriter, load_store

    module = load_store(store, chosen_by)  # the SDK is imported here, and only here
    context_loader: PipesContextLoader = (
        StoreContextLoader(module, sources.get(CONTEXT_VAR, CONTEXT_VAR))
        if context_in_store
        else FerrisContextLoader(sources)
    )
    message_writer: PipesMessageWriter[Any] = (
        StoreMessageWriter(module, sources.get(MESSAGES_VAR, MESSAGES_VAR), guard)
        if messages_in_store
        else file_messages(sources, guard, context_loader)
    )
    return context_loader, message_writer, store


def file_messages(
    sources: dict[str, str], guard: Any, context_loader: PipesContextLoader
) -> FerrisMessageWriter:
    """The messages writer for a file or stdio, which must not share the context file (known
    once a FerrisContextLoader has read it)."""
    if isinstance(context_loader, FerrisContextLoader):
        file_loader = context_loader
        return FerrisMessageWriter(sources, guard, lambda: file_loader.file_id)
    return FerrisMessageWriter(sources, guard)

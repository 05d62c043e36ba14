"""Where the Pipes params and the context come from, checked at every stage.

dagster-pipes decodes the variables and loads the context; these subclasses add the
``./fake_temp/`` fallback for an absent variable, and turn every way a present one can be
malformed into a FerrisError that names the variable (or file) and what was wrong with it.
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

from dagster_pipes import PipesContextLoader, PipesEnvVarParamsLoader

from ferris_says.errors import FerrisError, quoted, quoted_list
from ferris_says.pipes import (
    CONTEXT_VAR,
    FAKE_CONTEXT,
    FAKE_MESSAGES,
    FAKE_TEMP_DIR,
    MESSAGES_VAR,
)
from ferris_says.pipes.sources import (
    FileId,
    check_path,
    decompress_capped,
    fail,
    json_stage_error,
    parse_json,
    read_context_file,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from dagster_pipes import PipesContextData, PipesParams

# Keys dagster-pipes' PipesDefaultContextLoader / PipesDefaultMessageWriter understand.
CONTEXT_FORMS = ("path", "data", "bucket")
MESSAGES_FORMS = ("path", "stdio", "buffered_stdio", "bucket")
MESSAGES_OPTIONS = ("include_stdio_in_messages", "log_writer")
# A blob store's params (dagster-aws, dagster-gcp, dagster-azure): the bucket, and the context
# object's key or the messages chunks' prefix. Which store it is: --pipes-store.
CONTEXT_BUCKET_KEY = "key"
MESSAGES_BUCKET_PREFIX = "key_prefix"

# What a hand-written context (like the blog's ``{"asset_keys": ["ferris"]}``) may leave out.
CONTEXT_DEFAULTS: dict[str, Any] = {
    "asset_keys": None,
    "code_version_by_asset_key": None,
    "provenance_by_asset_key": None,
    "partition_key": None,
    "partition_key_range": None,
    "partition_time_window": None,
    "run_id": "",
    "job_name": None,
    "retry_number": 0,
    "extras": {},
}


def json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def short(value: object, limit: int = 120) -> str:
    """A JSON value as an error quotes it: its JSON text, escaped and bounded like any quoted
    value (a value nested too deeply to serialise is named by its kind)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError, TypeError):
        text = f"a JSON {json_kind(value)}"
    return text if len(text) <= limit and text.isprintable() else quoted(text, limit)


class FerrisParamsLoader(PipesEnvVarParamsLoader):
    """PipesEnvVarParamsLoader, plus: an absent variable falls back to ./fake_temp/, and a
    present one must decode, at every stage, to an object of a form we can serve.

    ``sources`` records, per variable, where its params came from: the variable itself or the
    fallback file.
    """

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # dagster-pipes leaves it unannotated
        self.sources: dict[str, str] = {}
        self._loaded: dict[str, PipesParams] = {}

    def is_dagster_pipes_process(self) -> bool:
        return True  # we only get here when a session was requested

    def load_context_params(self) -> PipesParams:
        return self._load(CONTEXT_VAR, FAKE_CONTEXT, super().load_context_params)

    def load_messages_params(self) -> PipesParams:
        return self._load(MESSAGES_VAR, FAKE_MESSAGES, super().load_messages_params)

    def _load(self, var: str, fallback: str, decode: Callable[[], PipesParams]) -> PipesParams:
        if var not in self._loaded:
            self._loaded[var] = self._decode(var, fallback, decode)
        return self._loaded[var]

    def _decode(self, var: str, fallback: str, decode: Callable[[], PipesParams]) -> PipesParams:
        if var not in self._mapping:
            if not os.path.isdir(FAKE_TEMP_DIR):
                other = MESSAGES_VAR if var == CONTEXT_VAR else CONTEXT_VAR
                raise fail(
                    var,
                    f"not set, while {other} is, and there is no ./{FAKE_TEMP_DIR}/ to fall"
                    " back on; Dagster sets both",
                )
            self.sources[var] = fallback
            return {"path": fallback}
        value = self._mapping[var]
        if not value.strip():
            raise fail(var, "is set but empty")
        try:
            base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _decode_stage_error(var, value, binascii.Error(str(exc))) from None
        try:
            # dagster-pipes' decode_param, with the decompressed size capped (a zlib bomb)
            params = json.loads(
                decompress_capped(base64.b64decode("".join(value.split()))).decode("utf-8")
            )
        except Exception as exc:
            raise _decode_stage_error(var, value, exc) from None
        check_params_form(var, params)
        self.sources[var] = var
        return cast("PipesParams", params)  # check_params_form: a JSON object


def _decode_stage_error(var: str, value: str, exc: BaseException) -> FerrisError:
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
    return fail(var, f"{stage}; Dagster sets it to base64(zlib(JSON)), got {quoted(value, 40)}")


def check_params_form(var: str, params: object) -> None:
    if not isinstance(params, dict):
        raise fail(var, f"decodes to a JSON {json_kind(params)}, expected an object")
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
            var,
            f"unknown key(s) {quoted_list(unknown)} in {short(params)}; ferris-says serves {hint}",
        )
    if params.get("include_stdio_in_messages"):
        # dagster-pipes' stdio capture polls for a second at a time (a 6 s `hi`), prints its own
        # lines on stderr and sends them after `closed`; Dagster's subprocess client captures
        # stdout and stderr itself. Refused rather than run badly.
        raise fail(
            var,
            '"include_stdio_in_messages" is not supported by ferris-says: Dagster captures'
            " its stdout and stderr itself; leave it unset",
        )
    present = [k for k in forms if k in params]
    if len(present) != 1:
        raise fail(
            var, f"expected exactly one of {', '.join(map(repr, forms))}; got {short(params)}"
        )
    key = present[0]
    value = params[key]
    if key == "data":
        if not isinstance(value, dict):
            raise fail(var, f'"data" must be a JSON object, got a JSON {json_kind(value)}')
    elif key == "path":
        if not isinstance(value, str) or not value:
            raise fail(var, f'"path" must be a non-empty string, got {short(value)}')
        check_path(value, var, "context file" if var == CONTEXT_VAR else "messages file")
    elif key == "bucket":
        check_bucket_params(var, params, bucket_option)
    elif value not in ("stderr", "stdout"):
        raise fail(var, f'"{key}" must be "stderr" or "stdout", got {short(value)}')


def check_bucket_params(var: str, params: dict[str, Any], option: str) -> None:
    if not isinstance(params["bucket"], str) or not params["bucket"]:
        raise fail(var, f'"bucket" must be a non-empty string, got {short(params["bucket"])}')
    value = params.get(option)
    required = option == CONTEXT_BUCKET_KEY
    if (required or value is not None) and (not isinstance(value, str) or not value):
        raise fail(var, f'"{option}" must be a non-empty string, got {short(value)}')


def context_origin(sources: dict[str, str], params: PipesParams) -> str:
    """Where the context came from, as errors about its content name it."""
    source = sources.get(CONTEXT_VAR, CONTEXT_VAR)
    if source == FAKE_CONTEXT:
        return source
    if "path" in params:
        return f"{source}: context file {quoted(params['path'], 1024)}"
    if "bucket" in params:
        key, bucket = quoted(params[CONTEXT_BUCKET_KEY], 1024), quoted(params["bucket"], 1024)
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
            where = f"{where}: context file {quoted(params['path'], 1024)}"
            raw, self.file_id = read_context_file(params["path"], where, sys.stdout)
            data = parse_json(raw, where)
        else:
            data = params["data"]
        if not isinstance(data, dict):
            raise fail(where, f"holds a JSON {json_kind(data)}, expected an object")
        full = dict(CONTEXT_DEFAULTS)
        full.update(data)
        yield cast("PipesContextData", full)  # the defaults complete what data holds

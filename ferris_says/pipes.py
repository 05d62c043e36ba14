"""Ferris as a Dagster Pipes process, on top of the official ``dagster-pipes`` package.

The protocol itself (params decoding, context loading, the message format, ``opened`` /
``closed`` and the exception payload) is dagster-pipes' own; this module adds what the
Rust original adds, and fixes what it got wrong:

- where the params come from: ``DAGSTER_PIPES_CONTEXT`` / ``DAGSTER_PIPES_MESSAGES``, each
  absent one falling back *on its own* to ``fake_temp/context.json`` /
  ``fake_temp/messages.json`` when ``./fake_temp`` exists; present but malformed is an error,
  never a fallback (Dagster would never read messages written to the fallback);
- the reports, in order: ``opened``, log ``ferris will now speak``, log ``ferris spoke``, the
  two asset checks, the materialization (``ferris_said``, the bubble as Markdown, a content
  hash as ``data_version``), ``closed`` (carrying the exception when something failed);
- messages to a file are appended with one ``os.write`` per line on an ``O_APPEND`` descriptor,
  so concurrent writers never interleave inside a line; a write that fails part-way (disk
  full, file size limit) is taken back, so no reader ever sees half a line;
- SIGINT / SIGTERM while the session is open end it with ``closed`` naming the signal; a
  signal that arrives while a message line is being written waits for the line to be whole.

The plain shell path (no variables, no ``./fake_temp``) imports nothing but ``os``: the check
is two environment look-ups and one ``stat``.
"""

from __future__ import annotations

import os

from ferris_says.bubble import default_width as utf8_length
from ferris_says.errors import FerrisError, FerrisInterrupted, FerrisUsageError

CONTEXT_VAR = "DAGSTER_PIPES_CONTEXT"
MESSAGES_VAR = "DAGSTER_PIPES_MESSAGES"
FAKE_TEMP_DIR = "fake_temp"
FAKE_CONTEXT = os.path.join(FAKE_TEMP_DIR, "context.json")
FAKE_MESSAGES = os.path.join(FAKE_TEMP_DIR, "messages.json")

CHECK_SAID_SOMETHING = "ferris_should_say_something"
CHECK_THREE_WORDS = "ferris_should_speak_3_words"

#: Cap on each text metadata value (``ferris_said`` and the ``ferris`` Markdown bubble), in
#: UTF-8 bytes. Longer text is cut there with a note; the data version still hashes all of it.
METADATA_CAP_BYTES = 64 * 1024

# Keys dagster-pipes' PipesDefaultContextLoader / PipesDefaultMessageWriter understand.
_CONTEXT_FORMS = ("path", "data")
_MESSAGES_FORMS = ("path", "stdio", "buffered_stdio")
_MESSAGES_OPTIONS = ("include_stdio_in_messages", "log_writer")

# Rust's char::is_whitespace (Unicode White_Space), which the original's split_whitespace uses.
_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

# Long texts are encoded and hashed this many characters at a time, never copied whole.
_CHUNK = 1 << 20

#: The run was interrupted by a signal while the Pipes session was open (exit 128 + signal).
FerrisSignalled = FerrisInterrupted


def pipes_session(asset_key: str | None = None) -> _SessionManager:
    """``with pipes_session(asset_key=...) as session:`` — ``session`` is None without Dagster.

    Raises FerrisError (on entering) for malformed configuration, naming the variable, path or
    key. Inside the block, any exception (FerrisError, KeyboardInterrupt, SystemExit with a
    non-zero code, ...) is reported to Dagster as ``closed`` with the exception, then re-raised.
    """
    return _SessionManager(asset_key)


def pipes_requested() -> bool:
    """Whether a session would open: a Pipes variable is set, or ./fake_temp/ exists."""
    environ = os.environ
    return CONTEXT_VAR in environ or MESSAGES_VAR in environ or os.path.isdir(FAKE_TEMP_DIR)


class _SessionManager:
    def __init__(self, asset_key: str | None):
        self._asset_key = asset_key
        self._session: FerrisPipesSession | None = None

    def __enter__(self) -> FerrisPipesSession | None:
        if not pipes_requested():
            return None
        self._session = FerrisPipesSession._open(self._asset_key)
        return self._session

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._session is not None:
            self._session._close(exc_type, exc, tb)
        return False  # never swallow


# --------------------------------------------------------------------------------------------
# Everything below runs only when a session is requested.


def _fail(where: str, what: str) -> FerrisError:
    return FerrisError(f"{where}: {what}")


def _decode_stage_error(var: str, value: str, exc: BaseException) -> FerrisError:
    import binascii
    import json
    import zlib

    if isinstance(exc, binascii.Error):
        stage = "is not base64"
    elif isinstance(exc, zlib.error):
        stage = "is base64 but not zlib-compressed data"
    elif isinstance(exc, UnicodeDecodeError):
        stage = "decompresses to bytes that are not UTF-8"
    elif isinstance(exc, json.JSONDecodeError):
        stage = f"decompresses to text that is not JSON ({exc.msg})"
    else:
        stage = f"cannot be decoded ({type(exc).__name__}: {exc})"
    shown = value if len(value) <= 40 else value[:37] + "..."
    return _fail(
        var,
        f"{stage}; Dagster sets it to base64(zlib(JSON)), got {shown!r}",
    )


def _make_params_loader():
    """A dagster-pipes env params loader with ferris-says' per-variable fallback and checks."""
    from dagster_pipes import PipesEnvVarParamsLoader

    class FerrisParamsLoader(PipesEnvVarParamsLoader):
        """PipesEnvVarParamsLoader, plus: an absent variable falls back to ./fake_temp/, and a
        present one must decode, at every stage, to an object of a form we can serve."""

        def __init__(self):
            super().__init__()
            self.sources = {}
            self._loaded = {}

        def is_dagster_pipes_process(self) -> bool:
            return True  # we only get here when a session was requested

        def load_context_params(self):
            return self._load(CONTEXT_VAR, FAKE_CONTEXT, super().load_context_params)

        def load_messages_params(self):
            return self._load(MESSAGES_VAR, FAKE_MESSAGES, super().load_messages_params)

        def _load(self, var, fallback, decode):
            if var not in self._loaded:
                self._loaded[var] = self._decode(var, fallback, decode)
            return self._loaded[var]

        def _decode(self, var, fallback, decode):
            if var not in self._mapping:
                if not os.path.isdir(FAKE_TEMP_DIR):
                    other = MESSAGES_VAR if var == CONTEXT_VAR else CONTEXT_VAR
                    raise _fail(
                        var,
                        f"not set, while {other} is, and there is no ./{FAKE_TEMP_DIR}/ to fall"
                        " back on; Dagster sets both",
                    )
                self.sources[var] = fallback
                return {"path": fallback}
            value = self._mapping[var]
            if not value.strip():
                raise _fail(var, "is set but empty")
            import base64
            import binascii

            try:
                base64.b64decode("".join(value.split()), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise _decode_stage_error(var, value, binascii.Error(str(exc))) from None
            try:
                params = decode()  # dagster-pipes' own decode_param
            except Exception as exc:
                raise _decode_stage_error(var, value, exc) from None
            _check_params_form(var, params)
            self.sources[var] = var
            return params

    return FerrisParamsLoader()


def _check_params_form(var: str, params) -> None:
    if not isinstance(params, dict):
        raise _fail(var, f"decodes to a JSON {_json_kind(params)}, expected an object")
    if var == CONTEXT_VAR:
        forms, options = _CONTEXT_FORMS, ()
        hint = (
            '{"path": FILE} (PipesTempFileContextInjector) or {"data": {...}}'
            " (PipesEnvContextInjector)"
        )
    else:
        forms, options = _MESSAGES_FORMS, _MESSAGES_OPTIONS
        hint = '{"path": FILE} (PipesTempFileMessageReader) or {"stdio": "stderr"|"stdout"}'
    unknown = sorted(k for k in params if k not in forms and k not in options)
    if unknown:
        raise _fail(
            var,
            f"unknown key(s) {', '.join(map(repr, unknown))} in {_short(params)}; ferris-says"
            f" serves {hint}",
        )
    present = [k for k in forms if k in params]
    if len(present) != 1:
        raise _fail(
            var, f"expected exactly one of {', '.join(map(repr, forms))}; got {_short(params)}"
        )
    key = present[0]
    value = params[key]
    if key == "data":
        if not isinstance(value, dict):
            raise _fail(var, f'"data" must be a JSON object, got a JSON {_json_kind(value)}')
    elif key == "path":
        if not isinstance(value, str) or not value:
            raise _fail(var, f'"path" must be a non-empty string, got {_short(value)}')
    elif value not in ("stderr", "stdout"):
        raise _fail(var, f'"{key}" must be "stderr" or "stdout", got {_short(value)}')


def _json_kind(value) -> str:
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


def _short(value, limit: int = 120) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_CONTEXT_DEFAULTS = {
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


def _make_context_loader(sources):
    """dagster-pipes' default context loader (file or inline data), with clear errors and the
    keys a hand-written context (like the blog's ``{"asset_keys": ["ferris"]}``) leaves out."""
    import contextlib
    import json

    from dagster_pipes import PipesContextLoader, PipesDefaultContextLoader

    class FerrisContextLoader(PipesContextLoader):
        @contextlib.contextmanager
        def load_context(self, params):
            where = sources.get(CONTEXT_VAR, CONTEXT_VAR)
            if "path" in params:
                where = f"{where}: context file {params['path']!r}"
            inner = PipesDefaultContextLoader().load_context(params)
            try:
                data = inner.__enter__()
            except FileNotFoundError:
                raise _fail(where, "does not exist") from None
            except IsADirectoryError:
                raise _fail(where, "is a directory, not a JSON file") from None
            except OSError as exc:
                raise _fail(where, f"cannot be read ({exc.strerror or exc})") from None
            except UnicodeDecodeError:
                raise _fail(where, "is not UTF-8 text") from None
            except json.JSONDecodeError as exc:
                raise _fail(where, f"is not JSON ({exc.msg}, line {exc.lineno})") from None
            try:
                if not isinstance(data, dict):
                    raise _fail(where, f"holds a JSON {_json_kind(data)}, expected an object")
                full = dict(_CONTEXT_DEFAULTS)
                full.update(data)
                yield full
            finally:
                inner.__exit__(None, None, None)

    return FerrisContextLoader()


def _take_back(fd: int, written: int) -> None:
    """Remove the ``written`` bytes of a line this process just appended to ``fd`` but could
    not finish, unless another writer has appended since (then end our part with a newline,
    so that at least their lines stay whole)."""
    try:
        end = os.lseek(fd, 0, os.SEEK_CUR)  # O_APPEND: just after our bytes
        if os.fstat(fd).st_size == end:
            os.ftruncate(fd, end - written)
        else:
            os.write(fd, b"\n")
    except OSError:
        pass  # nothing more can be done on this file


def _make_message_writer(sources, guard=None):
    """dagster-pipes' default message writer; for a plain file, a channel that appends each
    message line with a single os.write on an O_APPEND descriptor (several processes may share
    one messages file: lines never interleave, even 1 MB ones).

    ``guard``, when given, is a context manager factory wrapped around every message write
    (the session uses it to hold SIGINT / SIGTERM until the line is whole).
    """
    import contextlib
    import json

    from dagster_pipes import PipesDefaultMessageWriter, PipesMessageWriterChannel

    class AppendChannel(PipesMessageWriterChannel):
        def __init__(self, fd: int, path: str, where: str):
            self._fd = fd
            self.path = path
            self.where = where

        def write_message(self, message) -> None:
            line = (json.dumps(message) + "\n").encode("utf-8")
            view = memoryview(line)
            written = 0
            try:
                while view:  # a regular file takes it all at once; loop only on a short write
                    count = os.write(self._fd, view)
                    written += count
                    view = view[count:]
            except OSError as exc:
                if written:
                    _take_back(self._fd, written)
                raise _fail(
                    self.where,
                    f"cannot write to messages file {self.path!r} ({exc.strerror or exc})",
                ) from exc

    class GuardedChannel(PipesMessageWriterChannel):
        def __init__(self, inner):
            self._inner = inner

        def write_message(self, message) -> None:
            with guard():
                self._inner.write_message(message)

        def __getattr__(self, name):  # flush() of the buffered stdio channel, ...
            return getattr(self._inner, name)

    class FerrisMessageWriter(PipesDefaultMessageWriter):
        @contextlib.contextmanager
        def open(self, params):
            with self._open(params) as channel:
                yield channel if guard is None else GuardedChannel(channel)

        @contextlib.contextmanager
        def _open(self, params):
            where = sources.get(MESSAGES_VAR, MESSAGES_VAR)
            if "path" in params and not params.get("include_stdio_in_messages"):
                path = params["path"]
                flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
                # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of hanging.
                nonblock = getattr(os, "O_NONBLOCK", 0)
                try:
                    if os.path.isdir(path):
                        raise IsADirectoryError(21, "Is a directory")
                    fd = os.open(path, flags | nonblock, 0o666)
                    if nonblock:
                        os.set_blocking(fd, True)
                except FileNotFoundError:
                    parent = os.path.dirname(os.path.abspath(path))
                    raise _fail(
                        where, f"messages file {path!r}: directory {parent!r} does not exist"
                    ) from None
                except IsADirectoryError:
                    raise _fail(where, f"messages file {path!r} is a directory") from None
                except OSError as exc:
                    import errno

                    why = (
                        "it is a FIFO that nobody reads"
                        if exc.errno == errno.ENXIO
                        else exc.strerror or exc
                    )
                    raise _fail(where, f"messages file {path!r} cannot be opened ({why})") from None
                try:
                    yield AppendChannel(fd, path, where)
                finally:
                    os.close(fd)
            else:
                # {"stdio": ...}, {"buffered_stdio": ...}, and dagster-pipes' stdio capture:
                # exactly what its default writer does.
                with super().open(params) as channel:
                    yield channel

    return FerrisMessageWriter()


def _count_words(words: str) -> int:
    """Whitespace-separated words, as Rust's ``str::split_whitespace().count()``."""
    import re

    return sum(1 for _ in re.finditer(f"[^{_WHITESPACE}]+", words))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _cap(text: str, limit: int = METADATA_CAP_BYTES):
    """(text cut to at most ``limit`` UTF-8 bytes on a character boundary, total bytes, cut?).

    Only the first ``limit`` characters are encoded (they hold at least ``limit`` bytes): the
    cost stays at the cap, not at the size of a huge text.
    """
    if len(text) * 4 <= limit:
        return text, None, False
    total = utf8_length(text)
    if total <= limit:
        return text, total, False
    return _utf8(text[:limit])[:limit].decode("utf-8", "ignore"), total, True


def _data_version(words: str, partition: str | None) -> str:
    """sha256 of the words' UTF-8 (prefixed by the partition, length-delimited, if any)."""
    import hashlib

    digest = hashlib.sha256()
    if partition is not None:
        key = _utf8(partition)
        digest.update(b"partition:%d:" % len(key) + key + b"\n")
    for i in range(0, len(words), _CHUNK):  # the same digest as of the whole, in chunks
        digest.update(_utf8(words[i : i + _CHUNK]))
    return digest.hexdigest()


def _bubble_markdown(bubble: str) -> str:
    import re

    shown, total, cut = _cap(bubble)
    if cut:
        newline = shown.rfind("\n")
        shown = shown[: newline + 1] if newline > 0 else shown
    longest = max((len(m) for m in re.findall("`+", shown)), default=0)
    fence = "`" * max(3, longest + 1)
    body = shown if shown.endswith("\n") else shown + "\n"
    md = f"{fence}text\n{body}{fence}\n"
    if cut:
        md += (
            f"\n*Bubble truncated: the first {len(_utf8(shown))} of {total} bytes are shown"
            f" (metadata is capped at {METADATA_CAP_BYTES // 1024} KiB).*\n"
        )
    return md


def _context_origin(sources, params) -> str:
    """Where the context came from, as errors about its content name it."""
    source = sources.get(CONTEXT_VAR, CONTEXT_VAR)
    if source != CONTEXT_VAR:
        return source  # fake_temp/context.json
    if "path" in params:
        return f"{CONTEXT_VAR}: context file {params['path']!r}"
    return f"{CONTEXT_VAR}: inline data"


def _pipes_error(exc: BaseException) -> FerrisError:
    err = FerrisError(f"Dagster Pipes: {exc}")
    err.__cause__ = exc
    return err


class FerrisPipesSession:
    """An open Pipes session; made by ``pipes_session``, never directly."""

    def __init__(self):  # filled by _open
        self.launched_by_dagster = False
        self._context = None
        self._sources = {}
        self._messages_where = ""
        self._context_where = ""
        self._context_origin = CONTEXT_VAR
        self.asset_key: str | None = None
        self.asset_keys: list[str] = []
        self.partition_key: str | None = None
        self._closing = False
        self._writing = False
        self._opened = False  # `opened` is written (the first message line)
        self._pending_signal: int | None = None
        self._old_handlers: dict = {}

    # ---- opening / closing ----------------------------------------------------------------

    @classmethod
    def _open(cls, picked: str | None) -> FerrisPipesSession:
        from dagster_pipes import DagsterPipesError, PipesContext

        self = cls()
        # Either variable means Dagster started us, and Dagster's stdin is inherited, never
        # written to: the command must not wait on it.
        self.launched_by_dagster = CONTEXT_VAR in os.environ or MESSAGES_VAR in os.environ
        params_loader = _make_params_loader()
        self._sources = params_loader.sources
        # Decode both variables first: a broken one is reported before anything is written.
        context_params = params_loader.load_context_params()
        messages_params = params_loader.load_messages_params()
        self._context_where = self._describe_params(CONTEXT_VAR, context_params)
        self._context_origin = _context_origin(self._sources, context_params)
        self._messages_where = self._describe_params(MESSAGES_VAR, messages_params)
        # Signals are caught from before `opened` is written; until the context exists they
        # are held (there is nothing to close yet), then end the session through `closed`.
        self._install_signal_handlers()
        try:
            # PipesContext itself (not open_dagster_pipes): no process-wide singleton, and no
            # MagicMock + warning on stderr when the variables are absent (we fall back).
            self._context = PipesContext(
                params_loader,  # hands over the params it already decoded and checked
                _make_context_loader(self._sources),
                _make_message_writer(self._sources, self._hold_signals),
            )
        except BaseException as exc:
            self._restore_signal_handlers()
            if self._pending_signal is not None:
                raise FerrisSignalled(self._pending_signal) from exc
            if isinstance(exc, DagsterPipesError):
                raise _pipes_error(exc) from exc
            raise
        # `opened` is written: from here on every failure reaches Dagster through `closed`.
        try:
            self._raise_pending_signal()
            self._resolve(picked)
        except BaseException as exc:
            self._close(type(exc), exc, exc.__traceback__)
            raise
        return self

    def _close(self, exc_type, exc, tb) -> None:
        if self._context is None or self._context.is_closed:
            return
        self._closing = True
        if exc_type is not None and issubclass(exc_type, SystemExit) and exc.code in (0, None):
            exc_type = exc = tb = None  # a clean exit
        try:
            # dagster-pipes' own serialisation of the exception into `closed`.
            self._context.__exit__(exc_type, exc, tb)
        except FerrisError:
            if exc is None:
                raise  # the messages file failed (it names itself): that is the run's error
            # else: the run's own error stands; the messages file failed as well
        except OSError as write_error:
            if exc is None:
                raise FerrisError(
                    f"could not write `closed` to {self._messages_where}: {write_error}"
                ) from write_error
        finally:
            self._restore_signal_handlers()
        if self._pending_signal is not None and exc is None:
            raise FerrisSignalled(self._pending_signal)

    def _install_signal_handlers(self) -> None:
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                old = signal.getsignal(signum)
                if old is signal.SIG_IGN:
                    continue  # respect an ignored signal (nohup, background jobs)
                signal.signal(signum, self._on_signal)
                self._old_handlers[signum] = old
            except (ValueError, OSError):
                pass

    def _restore_signal_handlers(self) -> None:
        import contextlib
        import signal

        for signum, old in self._old_handlers.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signum, old if old is not None else signal.SIG_DFL)
        self._old_handlers = {}

    def _on_signal(self, signum, frame) -> None:
        if self._closing or self._writing or (self._opened and self._context is None):
            # Closing, in the middle of a message line, or `opened` written but the context
            # not yet handed back: hold the signal; it ends the run as soon as that is done.
            # Before `opened` (opening files, which may block) it ends the run at once.
            self._pending_signal = self._pending_signal or signum
            return
        raise FerrisSignalled(signum)

    def _raise_pending_signal(self) -> None:
        if self._pending_signal is not None and self._context is not None and not self._closing:
            signum, self._pending_signal = self._pending_signal, None
            raise FerrisSignalled(signum)

    def _hold_signals(self):
        """Context manager around each message write: a line is whole before a signal acts."""
        import contextlib

        @contextlib.contextmanager
        def holding():
            outer = self._writing
            self._writing = True
            try:
                yield
            finally:
                self._writing = outer
            self._opened = True
            if not outer:
                self._raise_pending_signal()

        return holding()

    def _resolve(self, picked: str | None) -> None:
        # Checked here, after `opened`, so that a bad context reaches Dagster through `closed`.
        ctx = self._context
        where = self._context_origin  # errors name the variable (or the fake_temp file)
        keys = ctx.asset_keys if ctx.is_asset_step else None
        if keys is not None and (
            not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys)
        ):
            raise _fail(
                where, f'"asset_keys" must be a list of asset key strings, got {_short(keys)}'
            )
        if not isinstance(ctx.extras, dict):
            raise _fail(where, f'"extras" must be an object, got {_short(ctx.extras)}')
        for name, value in (("run_id", ctx.run_id), ("job_name", ctx.job_name)):
            if value is not None and not isinstance(value, str):
                raise _fail(where, f'"{name}" must be a string, got {_short(value)}')
        pkr = ctx.partition_key_range if ctx.is_partition_step else None
        if pkr is not None and not (
            isinstance(pkr, dict)
            and isinstance(pkr.get("start"), str)
            and isinstance(pkr.get("end"), str)
        ):
            raise _fail(
                where,
                f'"partition_key_range" must be {{"start": ..., "end": ...}}, got {_short(pkr)}',
            )
        from dagster_pipes import DagsterPipesError

        try:
            partition_key = ctx.partition_key
        except DagsterPipesError:  # not partitioned, or a range of several partitions
            partition_key = None
        if partition_key is not None and not isinstance(partition_key, str):
            raise _fail(where, f'"partition_key" must be a string, got {_short(partition_key)}')
        self.asset_keys = list(keys or [])
        if picked is not None:
            if not self.asset_keys:
                raise FerrisError(
                    f"--asset-key {picked!r}: this Dagster step targets no assets (an op)"
                )
            if picked not in self.asset_keys:
                raise FerrisError(
                    f"--asset-key {picked!r} is not among this step's asset keys:"
                    f" {', '.join(self.asset_keys)}"
                )
            self.asset_key = picked
        elif len(self.asset_keys) == 1:
            self.asset_key = self.asset_keys[0]
        elif len(self.asset_keys) > 1:
            raise FerrisError(
                f"this Dagster step targets {len(self.asset_keys)} assets"
                f" ({', '.join(self.asset_keys)}); pick one with --asset-key"
            )
        if partition_key is not None:
            self.partition_key = partition_key
        elif pkr is not None:
            self.partition_key = (
                pkr["start"] if pkr["start"] == pkr["end"] else f"{pkr['start']}...{pkr['end']}"
            )

    @staticmethod
    def _describe_params(var: str, params) -> str:
        if "path" in params:
            return f"file {params['path']}"
        if "data" in params:
            return "inline data (PipesEnvContextInjector)"
        for key in ("stdio", "buffered_stdio"):
            if key in params:
                buffered = ", buffered until the end" if key == "buffered_stdio" else ""
                return f"{params[key]}{buffered}"
        return str(params)

    # ---- what the CLI uses ----------------------------------------------------------------

    @property
    def extras_words(self) -> str | None:
        """Words from ``extras={"words": ...}``: a string, or a list of strings joined by a
        space; anything else, or text with a lone surrogate, is a usage error."""
        extras = self._context.extras
        if "words" not in extras or extras["words"] is None:
            return None
        words = extras["words"]
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            words = " ".join(words)
        if not isinstance(words, str):
            raise FerrisUsageError(
                f'Dagster extras "words" must be a string or a list of strings, got {_short(words)}'
            )
        try:
            words.encode("utf-8")
        except UnicodeEncodeError as exc:  # JSON's "\ud800": a lone surrogate is not text
            raise FerrisUsageError(
                f'Dagster extras "words" is not valid Unicode text: a lone surrogate'
                f" U+{ord(words[exc.start]):04X} at character {exc.start}"
            ) from None
        return words

    def describe(self) -> list[str]:
        def origin(var, what, where):
            if self._sources.get(var) == var:
                return f"Dagster pipes {what}: {where} (from {var})"
            return f"Dagster pipes {what}: {where} ({var} not set: the ./{FAKE_TEMP_DIR}/ fallback)"

        lines = [
            origin(CONTEXT_VAR, "context", self._context_where),
            origin(MESSAGES_VAR, "messages", self._messages_where),
        ]
        if not self.asset_keys:
            lines.append(
                "asset keys: none (an op): ferris speaks and logs, no checks or materialization"
            )
        elif len(self.asset_keys) == 1:
            lines.append(f"asset key: {self.asset_key}")
        else:
            lines.append(
                f"asset keys: {', '.join(self.asset_keys)}; reporting for {self.asset_key}"
            )
        if self.partition_key is not None:
            lines.append(f"partition: {self.partition_key}")
        run_id = self._context.run_id
        if run_id:
            lines.append(f"run id: {run_id}")
        return lines

    def will_speak(self) -> None:
        self._context.log.info("ferris will now speak")

    def spoke(self, words: str, bubble: str) -> None:
        from dagster_pipes import DagsterPipesError

        try:
            self._context.log.info("ferris spoke")
            if self.asset_key is None:
                return  # an op: logs only
            said_something = len(words) > 0
            self._context.report_asset_check(
                CHECK_SAID_SOMETHING,
                said_something,
                severity="ERROR",
                metadata={"what_did_you_say": {"raw_value": said_something, "type": "bool"}},
                asset_key=self.asset_key,
            )
            count = _count_words(words)
            self._context.report_asset_check(
                CHECK_THREE_WORDS,
                count >= 3,
                severity="WARN",
                metadata={"number_of_words_spoken_by_ferris": {"raw_value": count, "type": "int"}},
                asset_key=self.asset_key,
            )
            self._context.report_asset_materialization(
                metadata=self._materialization_metadata(words, bubble),
                data_version=_data_version(words, self.partition_key),
                asset_key=self.asset_key,
            )
        except DagsterPipesError as exc:
            raise _pipes_error(exc) from exc

    def _materialization_metadata(self, words: str, bubble: str) -> dict:
        said, total, cut = _cap(words)
        if cut:
            said += (
                f"\n… [truncated: the first {len(_utf8(said))} of {total} bytes are shown;"
                f" metadata is capped at {METADATA_CAP_BYTES // 1024} KiB, the data version"
                " covers the whole text]"
            )
        metadata = {
            "ferris_said": {"raw_value": said, "type": "text"},
            "ferris": {"raw_value": _bubble_markdown(bubble), "type": "md"},
        }
        if self.partition_key is not None:
            metadata["partition_key"] = {"raw_value": self.partition_key, "type": "text"}
        return metadata

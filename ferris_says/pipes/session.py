"""The Pipes session's lifecycle: open, check the context, close, and the signals in between.

``opened`` is the first message line: from then on every failure reaches Dagster through
``closed``, with dagster-pipes' form of the exception (bounded). SIGINT, SIGTERM and the other
ending signals (``errors.ENDING_SIGNAL_NAMES``: SIGHUP, SIGQUIT, ...) are caught from before
``opened``: until the context exists they end the run at once (opening the files
may block); while a message line is being written, or while closing, they wait for the line to
be whole.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from traceback import TracebackException
from typing import TYPE_CHECKING, Any, Optional

from dagster_pipes import DagsterPipesError, PipesContext, PipesContextLoader, PipesException

from ferris_says.attributes import ASSET_KEY_MAX_BYTES, MESSAGE_HOLDS, at_most_bytes
from ferris_says.errors import (
    PATH_SHOWN,
    VALUE_SHOWN,
    FerrisError,
    FerrisInterrupted,
    FerrisUsageError,
    ending_signals,
    quoted_list,
    shown,
    token,
)
from ferris_says.pipes import (
    ARG_FOR_VAR,
    CONTEXT_VAR,
    FAKE_TEMP_DIR,
    MESSAGES_VAR,
    launched_by_dagster,
)
from ferris_says.pipes.metadata import FILE_CAP, STDIO_CAP
from ferris_says.pipes.params import FerrisParamsLoader, context_origin, transports
from ferris_says.pipes.sources import fail, short
from ferris_says.request import DEFAULT_REQUEST, Request

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType, TracebackType

    from dagster_pipes import PipesContextData, PipesParams

    SignalHandler = Callable[[int, FrameType | None], Any] | int | None

# SIGINT and every signal that ends a run (errors.ENDING_SIGNAL_NAMES: SIGTERM, SIGHUP, ...).
HANDLED_SIGNALS = (int(signal.SIGINT), *ending_signals())

#: `closed` carries the exception within these bounds, so that Dagster never stores megabytes
#: of it: the message (as the error line shows it), the innermost frames, two links of its
#: chain of causes.
CLOSED_MESSAGE_SHOWN = 4096
CLOSED_FRAMES_MAX = 20
CLOSED_FRAME_SHOWN = 1024
CLOSED_CHAIN_MAX = 2


def bounded_exception(exc: BaseException) -> PipesException:
    """dagster-pipes' PipesException for ``exc`` (message, stack, name, cause, context), each
    part bounded: a RecursionError's thousand frames or a huge message stay a few KB."""
    return _pipes_exception(
        TracebackException(type(exc), exc, exc.__traceback__, limit=-CLOSED_FRAMES_MAX), 0
    )


def _pipes_exception(tb: TracebackException, depth: int) -> PipesException:
    if sys.version_info >= (3, 13):
        name: Optional[str] = tb.exc_type_str.split(".")[-1]
    else:
        name = tb.exc_type.__name__ if tb.exc_type is not None else None
    deeper = depth < CLOSED_CHAIN_MAX
    cause, context = tb.__cause__, tb.__context__
    return PipesException(
        message=shown(
            "".join(tb.format_exception_only()), CLOSED_MESSAGE_SHOWN, quote=False, escape=False
        ),
        stack=[
            shown(line, CLOSED_FRAME_SHOWN, quote=False, escape=False)
            for line in tb.stack.format()
        ],
        name=name,
        cause=_pipes_exception(cause, depth + 1) if cause and deeper else None,
        context=_pipes_exception(context, depth + 1) if context and deeper else None,
    )


class InputsBeforeMessages(PipesContextLoader):
    """The context loader, then the .cow file the run's extras name opened (`looks.prepare`).

    dagster-pipes' PipesContext loads the context, then opens the message writer, then writes
    ``opened``: opened here, the extras' .cow file is among the run's files
    (`inputs.RUN_FILES`) before the messages target is opened, which may be none of them.
    """

    def __init__(self, inner: PipesContextLoader, request: Request | None) -> None:
        self._inner = inner
        self._request = request

    @contextlib.contextmanager
    def load_context(self, params: PipesParams) -> Iterator[PipesContextData]:
        with self._inner.load_context(params) as data:
            extras = data.get("extras") if isinstance(data, dict) else None
            if isinstance(extras, dict) and extras:
                from ferris_says import looks

                # A bad extra is reported by `draw`, after `opened`, as without this step.
                with contextlib.suppress(FerrisError):
                    request = self._request or DEFAULT_REQUEST
                    looks.prepare(looks.look_with_extras(looks.look_of(request), extras))
            yield data

    def __getattr__(self, name: str) -> Any:  # `failure` of a blob store's loader, ...
        return getattr(self._inner, name)


def raise_deferred_failure(context_loader: PipesContextLoader) -> None:
    """Right after ``opened``: the context's failure, if its loader kept one (a blob store's
    ``StoreContextLoader`` does; then ``closed`` has it)."""
    failure = getattr(context_loader, "failure", None)
    if failure is not None:
        raise failure


def pipes_error(exc: BaseException) -> FerrisError:
    err = FerrisError(f"Dagster Pipes: {exc}")
    err.__cause__ = exc
    return err


def describe_params(params: PipesParams) -> str:
    if "bucket" in params:
        inside = params.get("key") or params.get("key_prefix")
        bucket = shown(params["bucket"], PATH_SHOWN)
        return f"bucket {bucket}" + (f", {shown(inside, PATH_SHOWN)}" if inside else "")
    if "path" in params:
        return f"file {shown(params['path'], PATH_SHOWN)}"
    if "data" in params:
        return "inline data (PipesEnvContextInjector)"
    for key in ("stdio", "buffered_stdio"):
        if key in params:
            buffered = ", buffered until the end" if key == "buffered_stdio" else ""
            return f"{params[key]}{buffered}"
    return shown(params, VALUE_SHOWN)


class FerrisPipesSession:
    """An open Pipes session; made by ``pipes_session``, never directly."""

    def __init__(self) -> None:  # filled by open()
        self.launched_by_dagster = launched_by_dagster()
        self.context: PipesContext | None = None
        self.asset_key: str | None = None
        self.asset_keys: list[str] = []
        self.partition_key: str | None = None
        self.metadata_cap = FILE_CAP  # STDIO_CAP when the messages go to a container's log
        self._sources: dict[str, str] = {}
        self._messages_where = ""
        self._context_where = ""
        self._context_origin = CONTEXT_VAR
        self.store: str | None = None  # --pipes-store, when a blob store carries the params
        self._closing = False
        self._writing = False
        self._opened = False  # `opened` is written (the first message line)
        self._pending_signal: int | None = None
        self._old_handlers: dict[int, SignalHandler] = {}

    # ---- opening / closing ----------------------------------------------------------------

    @classmethod
    def open(cls, request: Request | None = None) -> FerrisPipesSession:
        """The session ``request`` asks for: its Pipes params and store, its ``--asset-key``."""
        self = cls()
        picked = None if request is None else request.asset_key
        params_loader = FerrisParamsLoader(request)
        if params_loader.from_command_line:
            self.launched_by_dagster = True  # Dagster's params: stdin is not ours to read
        self._sources = params_loader.sources
        # Decode both variables first: a broken one is reported before anything is written.
        context_params = params_loader.load_context_params()
        messages_params = params_loader.load_messages_params()
        self._context_where = describe_params(context_params)
        self._context_origin = context_origin(self._sources, context_params)
        self._messages_where = describe_params(messages_params)
        if "path" not in messages_params and "bucket" not in messages_params:
            self.metadata_cap = STDIO_CAP  # a blob store's chunk has no line limit: FILE_CAP
        context_loader, message_writer, self.store = transports(
            request, context_params, messages_params, self._sources, self._hold_signals
        )
        self._install_signal_handlers()
        try:
            # PipesContext itself (not open_dagster_pipes): no process-wide singleton, and no
            # MagicMock + warning on stderr when the variables are absent (we fall back).
            self.context = PipesContext(
                params_loader,  # hands over the params it already decoded and checked
                InputsBeforeMessages(context_loader, request),
                message_writer,
            )
        except BaseException as exc:
            self._restore_signal_handlers()
            if self._pending_signal is not None:
                raise FerrisInterrupted(self._pending_signal) from exc
            if isinstance(exc, DagsterPipesError):
                raise pipes_error(exc) from exc
            raise
        # `opened` is written: from here on every failure reaches Dagster through `closed`.
        try:
            self._raise_pending_signal()
            raise_deferred_failure(context_loader)  # a blob store's context that failed to load
            self._resolve(picked)
        except BaseException as exc:
            self.close(type(exc), exc, exc.__traceback__)
            raise
        return self

    def close(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.context is None or self.context.is_closed:
            return
        self._closing = True
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            exc = None  # a clean exit
        try:
            # dagster-pipes' form of the exception, bounded (bounded_exception).
            self.context.close(bounded_exception(exc) if exc is not None else None)
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
            raise FerrisInterrupted(self._pending_signal)

    @contextlib.contextmanager
    def reporting(self) -> Iterator[PipesContext]:
        """Around Ferris's reports: dagster-pipes' own errors become one-line FerrisErrors."""
        assert self.context is not None  # open() sets it before handing the session out
        try:
            yield self.context
        except DagsterPipesError as exc:
            raise pipes_error(exc) from exc

    # ---- signals --------------------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in HANDLED_SIGNALS:
            try:
                old = signal.getsignal(signum)
                if old is signal.SIG_IGN:
                    continue  # respect an ignored signal (nohup, background jobs)
                signal.signal(signum, self._on_signal)
                self._old_handlers[signum] = old
            except (ValueError, OSError):
                pass

    def _restore_signal_handlers(self) -> None:
        for signum, old in self._old_handlers.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signum, old if old is not None else signal.SIG_DFL)
        self._old_handlers = {}

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._closing or self._writing or (self._opened and self.context is None):
            # Closing, in the middle of a message line, or `opened` written but the context
            # not yet handed back: hold the signal; it ends the run as soon as that is done.
            # Before `opened` (opening files, which may block) it ends the run at once.
            self._pending_signal = self._pending_signal or signum
            return
        raise FerrisInterrupted(signum)

    def _raise_pending_signal(self) -> None:
        if self._pending_signal is not None and self.context is not None and not self._closing:
            signum, self._pending_signal = self._pending_signal, None
            raise FerrisInterrupted(signum)

    @contextlib.contextmanager
    def _hold_signals(self) -> Iterator[None]:
        """Around each message write: a line is whole before a signal acts."""
        outer = self._writing
        self._writing = True
        try:
            yield
        finally:
            self._writing = outer
        self._opened = True
        if not outer:
            self._raise_pending_signal()

    # ---- the context ----------------------------------------------------------------------

    def _resolve(self, picked: str | None) -> None:
        # Checked here, after `opened`, so that a bad context reaches Dagster through `closed`.
        ctx = self.context
        assert ctx is not None  # open() calls this once the context exists
        where = self._context_origin  # errors name the variable (or the fake_temp file)
        keys = ctx.asset_keys if ctx.is_asset_step else None
        if keys is not None and (
            not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys)
        ):
            raise fail(
                where, f'"asset_keys" must be a list of asset key strings, got {short(keys)}'
            )
        if not isinstance(ctx.extras, dict):
            raise fail(where, f'"extras" must be an object, got {short(ctx.extras)}')
        for name, value in (("run_id", ctx.run_id), ("job_name", ctx.job_name)):
            if value is not None and not isinstance(value, str):
                raise fail(where, f'"{name}" must be a string, got {short(value)}')
        pkr = ctx.partition_key_range if ctx.is_partition_step else None
        if pkr is not None and not (
            isinstance(pkr, dict)
            and isinstance(pkr.get("start"), str)
            and isinstance(pkr.get("end"), str)
        ):
            raise fail(
                where,
                f'"partition_key_range" must be {{"start": ..., "end": ...}}, got {short(pkr)}',
            )
        try:
            partition_key = ctx.partition_key
        except DagsterPipesError:  # not partitioned, or a range of several partitions
            partition_key = None
        if partition_key is not None and not isinstance(partition_key, str):
            raise fail(where, f'"partition_key" must be a string, got {short(partition_key)}')
        self.asset_keys = list(keys or [])
        self.asset_key = self._pick_asset_key(picked)
        if self.asset_key is not None:
            try:
                at_most_bytes(self.asset_key, "asset key", ASSET_KEY_MAX_BYTES, MESSAGE_HOLDS)
            except FerrisUsageError as error:  # the context's key, not the user's argument
                raise fail(where, f"{error!s}: {shown(self.asset_key, VALUE_SHOWN)}") from None
        if partition_key is not None:
            self.partition_key = partition_key
        elif pkr is not None:
            self.partition_key = (
                pkr["start"] if pkr["start"] == pkr["end"] else f"{pkr['start']}...{pkr['end']}"
            )

    def _pick_asset_key(self, picked: str | None) -> str | None:
        keys = self.asset_keys
        if picked is not None:
            if not keys:
                raise FerrisError(
                    f"--asset-key {shown(picked, VALUE_SHOWN)}:"
                    " this Dagster step targets no assets (an op)"
                )
            if picked not in keys:
                raise FerrisError(
                    f"--asset-key {shown(picked, VALUE_SHOWN)} is not among this step's asset keys:"
                    f" {quoted_list(keys)}"
                )
            return picked
        if len(keys) > 1:
            raise FerrisError(
                f"this Dagster step targets {len(keys)} assets"
                f" ({quoted_list(keys)}); pick one with --asset-key"
            )
        return keys[0] if keys else None

    # ---- what the command uses ------------------------------------------------------------

    @property
    def has_extras_words(self) -> bool:
        """Whether the run's extras hold words, without reading (or checking) them."""
        return self.context is not None and self.context.extras.get("words") is not None

    @property
    def extras_words(self) -> str | None:
        """Words from ``extras={"words": ...}``: a string, or a list of strings joined by a
        space; anything else, or text with a lone surrogate, is a usage error."""
        assert self.context is not None  # open() sets it before handing the session out
        extras = self.context.extras
        if "words" not in extras or extras["words"] is None:
            return None
        words = extras["words"]
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            words = " ".join(words)
        if not isinstance(words, str):
            raise FerrisUsageError(
                f'Dagster extras "words" must be a string or a list of strings, got {short(words)}'
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
        def origin(var: str, what: str, where: str) -> str:
            if self._sources.get(var) in (var, ARG_FOR_VAR[var]):
                store = f" in {self.store}" if self.store and "bucket" in where else ""
                return f"Dagster pipes {what}: {where}{store} (from {self._sources[var]})"
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
            lines.append(f"asset key: {token(self.asset_key)}")
        else:
            lines.append(
                f"asset keys: {quoted_list(self.asset_keys)}; reporting for {token(self.asset_key)}"
            )
        if self.partition_key is not None:
            lines.append(f"partition: {token(self.partition_key)}")
        assert self.context is not None  # open() sets it before handing the session out
        run_id = self.context.run_id
        if run_id:
            lines.append(f"run id: {token(run_id)}")
        return lines

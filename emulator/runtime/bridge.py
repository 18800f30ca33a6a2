"""The runtime: one JS context, one dispatcher, and the message bridge to Python.

JS never calls Python. ``swan.*`` pushes ``[op, id, args]`` onto a JS-side outbox; after
every entry into JS the dispatcher hands each message the entry posted to the handler
registered for its ``op``, then pumps the promise jobs and hands over what they posted.
Handlers answer by entering JS again
(:meth:`Runtime.settle`, :meth:`Runtime.emit`); an entry requested while another runs is
queued, so JS is never re-entered from inside itself.

The outbox crosses as JSON text, except when it holds only texts nobody awaits an answer
to (a socket's sends): ``"\x01op\x01target\x01text"``, the fields of every message joined
by ``"\x01"``, with no JSON made in JS and parsed here.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from emulator.errors import ScriptError, ScriptTimeout
from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage, UncaughtError, UncaughtErrorRepeated
from emulator.runtime import json_text
from emulator.runtime.engine import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, Engine
from emulator.runtime.timers import TimerQueue

log = logging.getLogger(__name__)

T = TypeVar("T")
Handler = Callable[[int, Any], None]
"""A message handler: ``handler(call_id, args)``. It must not raise."""

SLICE_SECONDS = 0.02  # JS work per loop turn before the loop gets its turn back
SLICE_JOBS = 20_000  # promise jobs per pump, whatever their speed
REPEAT_INTERVAL = 5.0  # s between reports of the same uncaught error happening again
_MAX_REPEAT_KEYS = 1000

PRELUDE = ("host.js", "swan.js", "definitions.js", "instance-data.js", "instances.js",
           "pages.js", "app.js", "components.js", "navigation.js", "network.js", "files.js",
           "socket.js", "account.js", "view-apis.js", "device.js", "surface.js", "mocks.js",
           "page-scroll.js")
CONSOLE_LEVELS = {"log", "info", "debug", "warn", "error"}


def wire_bytes(data: bytes) -> dict[str, str]:
    """Wrap bytes for a payload to JS; they arrive as an ArrayBuffer."""
    return {"__bytes__": base64.b64encode(data).decode("ascii")}


def _utf8_clean(text: str) -> bool:
    """Whether ``text`` has no lone surrogate (it can cross into JS as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unwire_bytes(value: Any) -> bytes | None:
    """Bytes sent by JS (an ArrayBuffer or typed array), or None if ``value`` is not binary."""
    if isinstance(value, dict) and isinstance(value.get("__bytes__"), str):
        return base64.b64decode(value["__bytes__"])
    return None


@dataclass
class _Repeat:
    """How often one uncaught error has happened."""

    error: ScriptError
    where: str
    first: float
    count: int = 1
    published: int = 1
    last: float = 0.0
    handle: asyncio.TimerHandle | None = None


def _nothing() -> None:
    """An entry that runs no JS of its own: pumps jobs and drains the outbox."""
    return None


class WorkToken:
    """Marks host-side work (a request, a transfer...) that keeps the app from being idle;
    a ``quiet`` one (an open socket waiting for the server) keeps the app from ending but
    is nothing an action waits for (:meth:`Runtime.wait_settled`)."""

    def __init__(self, runtime: Runtime, quiet: bool = False) -> None:
        self._runtime = runtime
        self._released = False
        self.quiet = quiet

    def release(self) -> None:
        """End the work; safe to call more than once."""
        if not self._released:
            self._released = True
            self._runtime._work_done(self.quiet)


class Runtime:
    """A mini-program's JS world: the engine, its timers, and the message handlers."""

    def __init__(
        self,
        bus: EventBus,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        self.bus = bus
        self.loop = loop or asyncio.get_running_loop()
        self.engine = Engine(time_limit=time_limit, memory_limit=memory_limit)
        self.timers = TimerQueue(self.loop, self._fire_timer)
        self.error_count = 0
        self._handlers: dict[str, Handler] = {}
        self._after_messages: list[Callable[[], None]] = []
        # Answers of host work that ended this loop turn, delivered together (settle_soon).
        self._settles: list[tuple[dict[str, Any], Callable[[Exception], dict[str, Any]]]] = []
        self._settles_token: WorkToken | None = None
        self._queue: deque[tuple[Callable[[], Any], bool]] = deque()
        self._running = False
        self._work = 0
        self._quiet = 0  # quiet holds: open sockets
        self._closed = False
        self._outbox: str | None = None  # what the last entry posted, returned with it
        self._idle = asyncio.Event()
        self._settled = asyncio.Event()
        self._repeats: dict[tuple[Any, ...], _Repeat] = {}
        # Budgets: JS's self-made work runs in slices; see _dispatch.
        self.deadline: float | None = None  # time.monotonic() after which no JS runs
        self._slice_end = 0.0
        self._chain_start: float | None = None  # first yield of the current unbroken run
        self._jobs_pending = False
        self._resume: asyncio.Handle | None = None
        self._halted = False
        self._malformed_seen = False
        self._load_prelude()
        self.register("console", self._on_console)
        self.register("error", self._on_error)
        self.register("timer.set", lambda i, a: self.timers.set(i, a["delay"], a["repeat"]))
        self.register("timer.clear", lambda i, a: self.timers.clear(i))
        self.register("bridge.bad", self._on_bad_message)
        # JS asks for its next step (a lifecycle hook...) to run as an entry of its own.
        self.register("step", lambda i, a: self.enter("step"))
        self._check_idle()

    # ---- setup --------------------------------------------------------------------------
    def _load_prelude(self) -> None:
        folder = Path(__file__).with_name("prelude")
        for name in PRELUDE:
            source = (folder / name).read_text(encoding="utf-8")
            self.engine.eval_file(f"<emulator>/{name}", source, internal=True)
        self._enter_fn = self.engine.eval_file("<emulator>/entry", "__swan_host__.enter",
                                               internal=True)
        self._drain_fn = self.engine.eval_file("<emulator>/entry", "__swan_host__.drain",
                                               internal=True)
        self._enter_plain_fn = self.engine.eval_file(
            "<emulator>/entry", "__swan_host__.enterPlain", internal=True)
        self._last_callback_fn = self.engine.eval_file(
            "<emulator>/entry", "(function () { return __swan_host__.lastCallbackName(); })",
            internal=True)

    def register(self, op: str, handler: Handler) -> None:
        """Route outbox messages with this ``op`` to ``handler``."""
        self._handlers[op] = handler

    def handler(self, op: str) -> Handler | None:
        """The handler registered for ``op``, if any."""
        return self._handlers.get(op)

    def after_messages(self, flush: Callable[[], None]) -> None:
        """Call ``flush()`` once each drained outbox has been handled: a handler may leave
        work to be done for all its messages at once (the socket service writes the frames
        of one drain in one go: one TLS write, not one per frame)."""
        self._after_messages.append(flush)

    # ---- the dispatcher -----------------------------------------------------------------
    def enter(self, entry: str, payload: Any = None, *, strict: bool = False,
              now: bool = False) -> Any:
        """Call the JS entry ``entry`` with a JSON payload; return its decoded result.

        If JS is already running (a handler answering a message), or entries queued
        before this one wait for the next slice, the call is queued and runs after them,
        in order; it then returns None. ``now``: the caller reads the result (a tap's
        handler, the view asking the logic layer), so it runs at once while entries
        wait for the next slice, as when JS is quiet (only JS running queues it). With
        ``strict``, a JS exception is raised as :class:`ScriptError` instead of being
        reported as an uncaught error.
        """
        text = "" if payload is None else json_text.dumps(payload)
        return self._dispatch(lambda: self._call_entry(entry, text), strict=strict, now=now)

    def enter_plain(self, entry: str, a: int | str, b: int | str) -> bool:
        """:meth:`enter` for an entry taking two plain arguments, which cross as they are
        (no JSON text made here and parsed in JS). Returns False, entering nothing, when
        one cannot: a string with a lone surrogate (the engine takes UTF-8 and would pass
        ``undefined``) or an int outside 32 bits (it would wrap); the caller then enters
        through :meth:`enter`."""
        for arg in (a, b):
            if isinstance(arg, str):
                if not arg.isascii() and not _utf8_clean(arg):
                    return False
            elif not -2**31 <= arg < 2**31:
                return False
        self._dispatch(lambda: self._read_answer(
            self.engine.call(self._enter_plain_fn, entry, a, b)), strict=False)
        return True

    def run_script(self, file: str, source: str, *, header: str = "", footer: str = "",
                   strict: bool = True) -> Any:
        """Evaluate a source file in the context (module definitions, console input)."""
        return self._dispatch(
            lambda: self.engine.eval_file(file, source, header=header, footer=footer),
            strict=strict, now=True,
        )

    def evaluate(self, source: str) -> str:
        """Evaluate console input like the devtools console; return the formatted result.

        An exception comes back as its message (it is not an uncaught app error).
        """
        # The input gets its own line range (errors name <console>:line), and is formatted
        # in JS: a value handed to Python as is could be a string type it cannot take.
        text = self.engine.sources.place("<console>", source)

        def run() -> str:
            wrapper = f"__swan_host__.formatValue(eval({json.dumps(text)}))"
            return str(self.engine.eval_file("<emulator>/console", wrapper, internal=True))

        try:
            return str(self._dispatch(run, strict=True, now=True))
        except ScriptError as exc:
            where = f" ({exc.location})" if exc.location else ""
            return f"Uncaught {exc.message}{where}"

    def _call_entry(self, entry: str, text: str) -> Any:
        # JS answers "result\noutbox": both in one call (JSON text holds no raw newline).
        # ``text`` is json_text's: UTF-8 the engine takes (no lone surrogate).
        return self._read_answer(self.engine.call(self._enter_fn, entry, text))

    def _read_answer(self, raw: Any) -> Any:
        """An entry's "result\noutbox": the outbox kept for the step, the result decoded."""
        if not isinstance(raw, str):
            self._malformed(repr(raw)[:200])
            return None
        result, _, self._outbox = raw.partition("\n")
        try:
            return json_text.loads(result) if result else None
        except ValueError:
            self._malformed(result[:200])
            return None

    def _on_bad_message(self, call_id: int, args: dict[str, Any]) -> None:
        """A message JS could not serialise (a BigInt, a cycle in the app's options): its
        call fails as a bad argument; nothing else is held up."""
        op = str(args.get("op", "?"))
        reason = str(args.get("reason", ""))
        if call_id:
            self.settle(call_id, False, {
                "errCode": 904,
                "errMsg": f"{op}:fail parameter error: the options cannot be sent ({reason})"})
        else:
            self.bus.publish(ConsoleMessage(level="warn", text=f"swan: a {op} message could "
                                            f"not be sent ({reason})"))

    def _malformed(self, text: str) -> None:
        """What came out of JS is not what the bridge sent: say so once per run."""
        log.error("malformed message from JS: %s", text)
        if not self._malformed_seen:
            self._malformed_seen = True
            self.report(ScriptError(
                "the bridge got a malformed message from JS (did the app replace a built-in "
                f"the emulator relies on?): {text[:120]}"), "bridge")

    def _dispatch(self, action: Callable[[], T], *, strict: bool,
                  now: bool = False) -> T | None:
        if self._closed:
            return None
        if self._running or (self._resume is not None and not now):
            # Behind entries still queued from a slice that used up its budget: an answer
            # must not overtake the answers made before it (a socket's sends, in order).
            # ``now``: a caller outside JS reads the result (console input, a script), so
            # it runs at once, as when JS is quiet; it answers no call.
            self._queue.append((action, strict))
            return None
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return None  # the run's time is up: no more JS
        self._running = True
        now = time.monotonic()
        self._slice_end = now + SLICE_SECONDS
        finished = False
        try:
            result = self._step(action, strict)
            # The work JS made for itself (queued entries, promise jobs) runs on in this
            # slice until its budget is spent; then the loop gets its turn (timers, I/O,
            # the window, signals, --timeout) and the rest continues on the next turn.
            while (self._queue or self._jobs_pending) and not self._closed:
                if time.monotonic() >= self._slice_end:
                    self._yield_slice()
                    break
                if self._jobs_pending:
                    self._step(_nothing, False)
                    continue
                queued, queued_strict = self._queue.popleft()
                try:
                    self._step(queued, queued_strict)
                except ScriptError as exc:
                    self.report(exc, "")
            else:
                finished = True
        finally:
            self._running = False
            if finished and self._resume is None:
                self._chain_start = None  # JS went quiet: a chain of work ended
            self._check_idle()
        return result

    def _yield_slice(self) -> None:
        """Leave the rest of JS's self-made work for the next loop turn — unless it has kept
        JS busy without a pause for longer than the script time limit: a runaway."""
        now = time.monotonic()
        if self._chain_start is None:
            self._chain_start = now  # the first slice that could not finish its work
        busy = now - self._chain_start
        if busy > self.engine.time_limit:
            self._runaway(busy)
            return
        if self._resume is None:
            self._resume = self.loop.call_soon(self._continue)

    def _continue(self) -> None:
        self._resume = None
        self._dispatch(_nothing, strict=False)

    def _runaway(self, busy: float) -> None:
        """Report a chain of work that never lets go, once, and stop the app."""
        what = "promise jobs" if self._jobs_pending else f"{len(self._queue)} queued calls"
        last = ""
        with contextlib.suppress(ScriptError):
            last = str(self.engine.call(self._last_callback_fn) or "")
        where = f"; the last callback was {last}" if last else ""
        error = ScriptTimeout(
            f"runaway: a chain of work ({what}) kept JavaScript busy for {busy:.1f} s without "
            f"a pause{where}; the app was stopped")
        self.report(error, last)
        self.halt()

    def halt(self) -> None:
        """Stop running the app's JS for good (a runaway): timers off, queue dropped, the
        app counts as idle; the host stays usable and can close it as usual."""
        self._halted = True
        self._closed = True
        self.timers.close()
        self._queue.clear()
        self._jobs_pending = False
        if self._resume is not None:
            self._resume.cancel()
            self._resume = None
        self._check_idle()

    def _step(self, action: Callable[[], T], strict: bool) -> T | None:
        """One entry into JS, its messages, then its promise jobs (within the slice's
        budget) and theirs. The entry's own messages are handled before the jobs run, as
        they were posted before: a socket's reply is written while the jobs wait (ping-pong
        +2-4% in three A/Bs), and the order of the messages is the same."""
        failure: ScriptError | None = None
        result: T | None = None
        self._outbox = None
        if self.deadline is not None:
            self.engine.limit_next(self.deadline - time.monotonic())
        try:
            result = action()
        except ScriptError as exc:
            failure = exc
        outbox, self._outbox = self._outbox, None
        until = self._slice_end
        if outbox is not None:
            # The handlers' time is not the jobs': a slow one (the first request's imports)
            # must not split the entry's jobs across loop turns (a render in between).
            started = time.monotonic()
            self._handle(outbox)
            until += time.monotonic() - started
            if self.deadline is not None:
                self.engine.limit_next(self.deadline - time.monotonic())
        ran, errors, self._jobs_pending = self.engine.pump_jobs(until=until,
                                                                max_jobs=SLICE_JOBS)
        for exc in errors:
            self.report(exc, "promise job")
        if outbox is None or ran:
            self._drain()
        if failure is not None:
            if strict:
                raise failure
            self.report(failure, "")
        return result

    def _drain(self) -> None:
        # One call empties the outbox: handlers never run JS themselves (their entries are
        # queued and drained after they run), so nothing can be posted meanwhile.
        try:
            raw = self.engine.call(self._drain_fn)
        except ScriptError as exc:  # only if the context is broken
            self.report(exc, "draining messages")
            return
        self._handle(raw)

    def _handle(self, raw: str) -> None:
        """Hand each message of a drained outbox to its handler; a message that is not
        [op, id, args] is reported, never raised."""
        if not raw:
            return
        if raw[0] == "\x01":  # texts only (host.postText): "\x01op\x01target\x01text…"
            fields = raw[1:].split("\x01")
            if len(fields) % 3:
                self._malformed(raw[:200])
                return
            for i in range(0, len(fields), 3):
                op, target, text = fields[i:i + 3]
                if target.isascii() and target.isdigit():
                    self._hand_over(op, 0, {"task": int(target), "data": text})
                else:
                    self._malformed(raw[:200])
            self._messages_handled()
            return
        try:
            messages = json_text.loads(raw)
        except ValueError:
            self._malformed(raw)
            return
        if not isinstance(messages, list):
            self._malformed(raw)
            return
        for message in messages:
            if not (isinstance(message, list) and len(message) == 3
                    and isinstance(message[0], str) and isinstance(message[1], int)):
                self._malformed(json.dumps(message)[:200])
                continue
            self._hand_over(*message)
        self._messages_handled()

    def _hand_over(self, op: str, call_id: int, args: Any) -> None:
        handler = self._handlers.get(op)
        if handler is None:
            log.error("no handler for message %r", op)
            if call_id:
                self.settle(call_id, False, {
                    "errCode": 1001, "errMsg": f"{op}:fail not supported by the emulator"})
            return
        try:
            handler(call_id, args)
        except Exception:
            log.exception("handler for %r failed", op)

    def _messages_handled(self) -> None:
        for flush in self._after_messages:
            try:
                flush()
            except Exception:
                log.exception("flush after messages failed")

    # ---- answering JS -----------------------------------------------------------------
    def settle(self, call_id: int, ok: bool, result: dict[str, Any] | None = None) -> None:
        """Finish API call ``call_id``: success (or fail) with ``result``, then complete."""
        self.enter("settle", {"id": call_id, "ok": ok, "res": result or {}})

    def settle_soon(self, call_id: int, ok: bool, result: dict[str, Any] | None,
                    failed: Callable[[Exception], dict[str, Any]]) -> None:
        """:meth:`settle`, for host work that ended on its own (a response read, a transfer
        done): the answers of all the calls that end in one loop turn are delivered in one
        entry into JS, in the order they ended. Each entry costs ~30 µs when the network
        stack has run in between (QuickJS's data is no longer in the CPU's cache), so 50
        requests at once pay that once per turn, not once per call (callbacks that take
        time split the batch: see ``_settle_all``). If an answer cannot be sent
        (MemoryError making its JSON...), the call fails with ``failed(exc)``."""
        self._settles.append(({"id": call_id, "ok": ok, "res": result or {}}, failed))
        self._settles_due()

    def _settles_due(self) -> None:
        if self._settles_token is None:
            self._settles_token = self.hold()
            self.loop.call_soon(self._deliver_settles)

    def _deliver_settles(self) -> None:
        settles, self._settles = self._settles, []
        token, self._settles_token = self._settles_token, None
        try:
            self._settle_all(settles)
        finally:
            if token is not None:
                token.release()

    def _settle_all(self, settles: list[tuple[dict[str, Any],
                                              Callable[[Exception], dict[str, Any]]]]) -> None:
        if len(settles) == 1:
            self._settle_one(*settles[0])
            return
        try:
            text = json_text.dumps([answer for answer, _failed in settles])
        except Exception:  # one answer would not encode: each on its own
            for answer, failed in settles:
                self._settle_one(answer, failed)
            return

        def deliver() -> None:
            try:
                done = self._call_entry("settleAll", text)
            except ScriptError:
                # The entry stopped part way (a callback ran past the time limit on its
                # own, the JS heap ran out): every answer again in an entry of its own
                # (queued: JS is running), or the calls after it would never be answered;
                # JS ignores those it has had.
                for answer, failed in settles:
                    self._settle_one(answer, failed)
                raise  # reported as the entry's error
            if isinstance(done, int) and 0 < done < len(settles):
                # JS stopped once the entry had taken time (callbacks doing real work): the
                # engine's time limit is per entry, and each call's callbacks had one of
                # their own when each answer was an entry. The rest are delivered next
                # turn, ahead of the answers that ended since: host work, not a chain JS
                # made for itself (queued here, they would count towards a runaway).
                self._settles[:0] = settles[done:]
                self._settles_due()

        self._dispatch(deliver, strict=False)

    def _settle_one(self, answer: dict[str, Any],
                    failed: Callable[[Exception], dict[str, Any]]) -> None:
        try:
            self.enter("settle", answer)
        except Exception as exc:
            self.enter("settle", {"id": answer["id"], "ok": False, "res": failed(exc)})

    def emit(self, name: str, payload: Any) -> None:
        """Deliver a named event to the JS listeners registered for it."""
        self.enter("emit", {"name": name, "payload": payload})

    def _fire_timer(self, timer_id: int) -> None:
        self.enter("timer", timer_id)

    # ---- errors and console ---------------------------------------------------------------
    def report(self, error: ScriptError, where: str) -> None:
        """Publish an uncaught JS error; counted for the exit status.

        The first of identical errors is published at once; repeats are collapsed into
        an UncaughtErrorRepeated every REPEAT_INTERVAL s (and one at close).
        """
        self.error_count += 1
        key = (error.message, error.file, error.line, error.column, where)
        now = time.time()
        repeat = self._repeats.get(key)
        if repeat is None:
            if len(self._repeats) >= _MAX_REPEAT_KEYS:
                self._flush_repeats()
                self._repeats.clear()
            self._repeats[key] = _Repeat(error, where, now, last=now)
            self.bus.publish(UncaughtError(error=error, where=where))
            return
        repeat.count += 1
        repeat.last = now
        if repeat.handle is None and not self._closed:
            repeat.handle = self.loop.call_later(REPEAT_INTERVAL, self._publish_repeat, repeat)

    def _publish_repeat(self, repeat: _Repeat) -> None:
        repeat.handle = None
        if repeat.count > repeat.published:
            repeat.published = repeat.count
            self.bus.publish(UncaughtErrorRepeated(
                error=repeat.error, where=repeat.where, count=repeat.count,
                first=repeat.first, last=repeat.last))

    def _flush_repeats(self) -> None:
        for repeat in self._repeats.values():
            if repeat.handle is not None:
                repeat.handle.cancel()
            self._publish_repeat(repeat)

    def _on_error(self, _id: int, args: dict[str, Any]) -> None:
        raw = str(args.get("message", "Error")) + "\n" + str(args.get("stack", ""))
        self.report(self.engine.translate(raw), str(args.get("where", "")))

    def _on_console(self, _id: int, args: dict[str, Any]) -> None:
        level = args.get("level", "log")
        if level not in CONSOLE_LEVELS:
            level = "log"
        location = None
        if "stack" in args:
            where = self.engine.sources.app_frame(str(args["stack"]), app_only=True)
            location = str(where) if where else None
        text = self.engine.sources.rewrite(str(args.get("text", "")))
        self.bus.publish(ConsoleMessage(level=level, text=text, location=location))

    # ---- idleness -------------------------------------------------------------------------
    def hold(self, quiet: bool = False) -> WorkToken:
        """Mark host work in progress until the token is released (``quiet``: see
        :class:`WorkToken`)."""
        if quiet:
            self._quiet += 1
        else:
            self._work += 1
        self._check_idle()
        return WorkToken(self, quiet)

    def _work_done(self, quiet: bool = False) -> None:
        if quiet:
            self._quiet -= 1
        else:
            self._work -= 1
        self._check_idle()

    @property
    def settled(self) -> bool:
        """No timers armed, no host work running but quiet waits, nothing queued for JS
        (no entries, no promise jobs, no slice waiting for its turn)."""
        return self._closed or (
            not self._running and self._work == 0 and len(self.timers) == 0 and not self._queue
            and not self._jobs_pending and self._resume is None
        )

    @property
    def idle(self) -> bool:
        """Settled, and no quiet wait either (no socket open): the app has nothing left
        that could make it run again."""
        return self._idle_when(self.settled)

    def _idle_when(self, settled: bool) -> bool:
        return settled and (self._closed or self._quiet == 0)

    @property
    def work_in_flight(self) -> int:
        """Host calls under way (requests, transfers, sockets, prompts…)."""
        return self._work

    @property
    def halted(self) -> bool:
        """Whether the app was stopped as a runaway."""
        return self._halted

    def _check_idle(self) -> None:
        # Runs several times per API call: each state worked out once, each event's flag
        # read before it is touched.
        settled = self.settled
        for event, state in ((self._idle, self._idle_when(settled)), (self._settled, settled)):
            if state != event.is_set():
                if state:
                    event.set()
                else:
                    event.clear()

    async def wait_idle(self) -> None:
        """Return once the app has nothing left to do (stable across a loop turn)."""
        while True:
            self._check_idle()
            await self._idle.wait()
            await asyncio.sleep(0)
            if self.idle:
                return

    async def wait_settled(self) -> None:
        """Return once what the app was doing is done, open sockets left waiting for the
        server (stable across a loop turn): what an action in a test waits for."""
        while True:
            self._check_idle()
            await self._settled.wait()
            await asyncio.sleep(0)
            if self.settled:
                return

    def close(self) -> None:
        """Stop timers and refuse further entries; the context is dropped."""
        self._flush_repeats()
        self._closed = True
        self.timers.close()
        self._queue.clear()
        self._idle.set()
        self._settled.set()

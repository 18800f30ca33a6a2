"""The runtime: console, timers, promise jobs, the message bridge and the time limit."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from emulator.errors import ScriptTimeout
from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage, Event, UncaughtError
from emulator.runtime.bridge import Runtime, unwire_bytes, wire_bytes


class Harness:
    def __init__(self, **kwargs: Any) -> None:
        self.bus = EventBus()
        self.events: list[Event] = []
        self.bus.subscribe(self.events.append)
        self.rt = Runtime(self.bus, **kwargs)

    def run(self, source: str, file: str = "test.js") -> Any:
        return self.rt.run_script(file, source)

    @property
    def lines(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, ConsoleMessage)]

    @property
    def errors(self) -> list[UncaughtError]:
        return [e for e in self.events if isinstance(e, UncaughtError)]

    async def idle(self) -> None:
        await asyncio.wait_for(self.rt.wait_idle(), 10)


async def test_console_formats_like_devtools() -> None:
    """Strings bare, objects compact JSON, printf placeholders, cycles and buffers named."""
    h = Harness()
    h.run("""
        console.log('a', 1, true, null, undefined, {k: [1, 'x']}, [1, {b: 2}]);
        console.info('%s is %d years', 'Bob', 42.7, 'extra');
        var o = {name: 'o'}; o.self = o;
        console.debug(o, new ArrayBuffer(3), function named() {});
        console.log('中文', {'键': '值'});
    """)
    assert h.lines == [
        'a 1 true null undefined {"k":[1,"x"]} [1,{"b":2}]',
        "Bob is 42 years extra",
        '{"name":"o","self":"[Circular]"} [ArrayBuffer 3 bytes] [Function: named]',
        '中文 {"键":"值"}',
    ]


async def test_console_levels_and_warn_location() -> None:
    """warn/error carry the level and the caller's file:line."""
    h = Harness()
    h.run("console.log('x');\nconsole.warn('careful');\nconsole.error('bad', new Error('e1'));",
          file="pages/p.js")
    msgs = [e for e in h.events if isinstance(e, ConsoleMessage)]
    assert [m.level for m in msgs] == ["log", "warn", "error"]
    assert msgs[1].location == "pages/p.js:2:9"
    assert msgs[2].location is not None and msgs[2].location.startswith("pages/p.js:3")
    assert msgs[2].text.startswith("bad Error: e1")
    assert "pages/p.js:3" in msgs[2].text  # the error's stack is mapped too


async def test_timers_fire_in_order_with_ties_in_creation_order() -> None:
    """setTimeout fires by delay; equal delays fire in the order they were set."""
    h = Harness()
    h.run("""
        var out = [];
        setTimeout(function () { out.push('c30'); }, 30);
        setTimeout(function () { out.push('a0'); }, 0);
        setTimeout(function () { out.push('b0'); });
        setTimeout(function (x, y) { out.push('args:' + x + y); }, 10, 'p', 'q');
        for (var i = 0; i < 5; i++) setTimeout(function (n) { out.push('t' + n); }, 5, i);
        var cancelled = setTimeout(function () { out.push('never'); }, 1);
        clearTimeout(cancelled);
        setTimeout(function () { console.log(out.join(',')); }, 50);
    """)
    await h.idle()
    assert h.lines == ["a0,b0,t0,t1,t2,t3,t4,args:pq,c30"]


async def test_interval_repeats_until_cleared_inside_callback() -> None:
    """setInterval repeats; clearInterval inside its own callback stops it; then idle."""
    h = Harness()
    h.run("""
        var n = 0;
        var id = setInterval(function () {
            n++;
            if (n === 4) { clearInterval(id); console.log('stopped at', n); }
        }, 2);
    """)
    assert not h.rt.idle
    await h.idle()
    assert h.lines == ["stopped at 4"]
    assert len(h.rt.timers) == 0


async def test_promise_jobs_are_pumped_after_every_entry() -> None:
    """Microtasks run right after the entry that queued them, before any timer."""
    h = Harness()
    h.run("""
        var order = [];
        setTimeout(function () {
            order.push('timer');
            Promise.resolve().then(function () { order.push('job in timer'); });
        }, 1);
        Promise.resolve().then(function () { order.push('job1'); })
            .then(function () { order.push('job2'); });
        (async function () { await null; order.push('async'); })();
        order.push('sync');
        setTimeout(function () { console.log(order.join(',')); }, 20);
    """)
    await h.idle()
    assert h.lines == ["sync,job1,async,job2,timer,job in timer"]


async def test_uncaught_error_in_timer_is_reported_and_app_goes_on() -> None:
    """An exception in a timer callback is an UncaughtError with file:line; other timers run."""
    h = Harness()
    h.run("setTimeout(function () {\n  undefinedFn();\n}, 1);\n"
          "setTimeout(function () { console.log('later'); }, 5);", file="pages/t.js")
    await h.idle()
    assert h.lines == ["later"]
    [err] = h.errors
    assert (err.error.file, err.error.line) == ("pages/t.js", 2)
    assert "ReferenceError" in err.error.message
    assert err.where == "setTimeout callback"
    assert h.rt.error_count == 1


@pytest.mark.parametrize("trigger", [
    "setTimeout(function spin() { while (true) {} }, 1);",
    "Promise.resolve().then(function spin() { while (true) {} });",
    "setInterval(function spin() { while (true) {} }, 1);",
])
async def test_runaway_loop_in_callback_or_job_is_interrupted(trigger: str) -> None:
    """A while(true) in a timer, an interval or a promise job is stopped; the runtime works."""
    h = Harness(time_limit=0.3)
    h.run("var spins = 0;\n" + trigger + "\nvar after = setTimeout(function(){ clearAll(); }, 1);",
          file="runaway.js")
    h.run("function clearAll() { for (var i = 1; i < 10; i++) clearInterval(i); }", file="c.js")
    await h.idle()
    timeouts = [e for e in h.errors if isinstance(e.error, ScriptTimeout)]
    assert timeouts, h.errors
    assert timeouts[0].error.file == "runaway.js"
    assert "time limit" in str(timeouts[0].error)
    h.run("console.log('alive', 6 * 7);", file="after.js")
    assert h.lines[-1] == "alive 42"


async def test_settle_runs_success_then_complete_once_asynchronously() -> None:
    """A bridged call: posted, answered by Python, success then complete, exactly once."""
    h = Harness()
    seen: list[tuple[int, Any]] = []

    def handler(call_id: int, args: Any) -> None:
        seen.append((call_id, args))
        h.rt.settle(call_id, True, {"echo": args["v"]})
        h.rt.settle(call_id, False, {"errMsg": "late"})  # ignored: already settled

    h.rt.register("echo", handler)
    h.run("""
        var H = globalThis.__swan_host__, order = [];
        H.invoke('echo', {
            success: function (r) { order.push('success:' + r.echo + ':' + r.errMsg); },
            fail: function () { order.push('fail'); },
            complete: function () { order.push('complete'); console.log(order.join(',')); }
        }, 'echo', {v: 7});
        order.push('after call');
    """)
    await h.idle()
    assert seen == [(1, {"v": 7})]
    assert h.lines == ["after call,success:7:echo:ok,complete"]


async def test_callback_exception_does_not_stop_complete() -> None:
    """A throwing success callback is reported; complete still runs."""
    h = Harness()
    h.rt.register("noop", lambda i, a: h.rt.settle(i, True))
    h.run("""
        __swan_host__.invoke('noop', {
            success: function () { throw new Error('in success'); },
            complete: function () { console.log('complete ran'); }
        }, 'noop', null);
    """, file="cb.js")
    await h.idle()
    assert h.lines == ["complete ran"]
    [err] = h.errors
    assert "in success" in err.error.message and err.where == "swan.noop success callback"


async def test_binary_crosses_both_ways_including_nul() -> None:
    """ArrayBuffers go to Python and back byte for byte, NUL and all 256 values."""
    h = Harness()
    got: list[bytes] = []

    def handler(call_id: int, args: Any) -> None:
        data = unwire_bytes(args["data"])
        assert data is not None
        got.append(data)
        h.rt.settle(call_id, True, {"data": wire_bytes(data[::-1])})

    h.rt.register("bin", handler)
    h.run("""
        var u = new Uint8Array(256); for (var i = 0; i < 256; i++) u[i] = i;
        __swan_host__.invoke('bin', {success: function (r) {
            var b = new Uint8Array(r.data);
            console.log(r.data instanceof ArrayBuffer, b.length, b[0], b[255], b[254]);
        }}, 'bin', {data: u.buffer}, {binary: true});
    """)
    await h.idle()
    assert got == [bytes(range(256))]
    assert h.lines == ["true 256 255 0 1"]


async def test_unknown_op_fails_the_call_instead_of_hanging() -> None:
    """A message nobody handles fails its call with 'not supported'."""
    h = Harness()
    h.run("""__swan_host__.invoke('mystery', {fail: function (e) { console.log(e.errMsg); }},
                                  'mystery.op', null);""")
    await h.idle()
    assert h.lines == ["mystery.op:fail not supported by the emulator"]


async def test_evaluate_console_input() -> None:
    """Console input evaluates in the app's global scope and prints like console.log."""
    h = Harness()
    h.run("var shared = {n: 2};")
    assert h.rt.evaluate("shared.n * 21") == "42"
    assert h.rt.evaluate("({a: [1, 'b']})") == '{"a":[1,"b"]}'
    assert h.rt.evaluate("'text'") == "text"
    assert h.rt.evaluate("nope.x").startswith("Uncaught ReferenceError")
    assert h.rt.evaluate("var made = 1; made + 1") == "2"
    assert h.rt.evaluate("made") == "1"  # declarations stay, as in the devtools console
    # A long concatenation is a "rope" string inside quickjs-ng; it still comes out whole.
    assert h.rt.evaluate("'x'.repeat(3000) + 'y'.repeat(3000)") == "x" * 3000 + "y" * 3000
    assert h.errors == []  # console input errors are not app errors


async def test_console_error_positions_name_console_input() -> None:
    """An error thrown by console input points at <console>:line."""
    h = Harness()
    out = h.rt.evaluate("1;\nnull.boom")
    assert out.startswith("Uncaught TypeError") and "(<console>:2" in out, out


async def test_an_open_socket_keeps_the_app_busy_but_settled() -> None:
    """A quiet hold (an open socket) keeps wait_idle waiting but not wait_settled; a plain
    hold keeps both waiting."""
    rt = Harness().rt
    quiet = rt.hold(quiet=True)
    await asyncio.wait_for(rt.wait_settled(), 1)
    assert rt.settled and not rt.idle
    busy = rt.hold()
    assert not rt.settled
    busy.release()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(rt.wait_idle(), 0.1)
    quiet.release()
    await asyncio.wait_for(rt.wait_idle(), 1)


async def test_plain_entries_take_what_crosses_as_is_and_refuse_the_rest() -> None:
    """enter_plain passes ints and strings untouched (no JSON); a lone surrogate or an int
    beyond 32 bits is refused (False, nothing entered) instead of reaching JS as
    undefined or wrapped."""
    h = Harness()
    h.run("__swan_host__.entries.plainTest = function (a, b) {"
          " console.log(typeof a + ':' + a + ':' + typeof b + ':' + b); };")
    assert h.rt.enter_plain("plainTest", 7, "hé \U0001F600 \x00!")
    assert h.rt.enter_plain("plainTest", -2**31, "")
    assert not h.rt.enter_plain("plainTest", 1, "lone \ud800")
    assert not h.rt.enter_plain("plainTest", 2**40, "x")
    await h.idle()
    assert h.lines == ["number:7:string:hé \U0001F600 \x00!", f"number:{-2**31}:string:"]


PLAIN_TEXTS = ["", "a", "two\nlines", "中文 ✓ \U0001F600", "x" * 70_000]
JSON_TEXTS = ["soh\x01inside", "nul\x00inside", "lone \ud800"]


async def test_texts_cross_plain_and_arrive_exactly() -> None:
    """Texts posted with host.postText cross as plain text, never JSON, alone or several
    in one outbox, and the handler gets each exactly, in order; a text holding U+0001, a
    NUL or a lone surrogate sends its outbox as JSON, and arrives the same."""
    h = Harness()
    got: list[tuple[int, Any]] = []
    h.rt.register("text.out", lambda call_id, args: got.append((call_id, args)))
    batches = [[text] for text in PLAIN_TEXTS + JSON_TEXTS] + [PLAIN_TEXTS, ["a", *JSON_TEXTS]]
    for batch in batches:
        posts = "".join(f"__swan_host__.postText('text.out', 3, {json.dumps(text)}); "
                        for text in batch)
        wire = h.rt.evaluate(posts + "JSON.stringify(__swan_host__.drain().charCodeAt(0))")
        plain = not any(text in JSON_TEXTS for text in batch)
        assert wire == ("1" if plain else str(ord("["))), batch
        h.rt.run_script("post.js", posts)
    await h.idle()
    assert got == [(0, {"task": 3, "data": text}) for batch in batches for text in batch]


async def test_texts_among_other_messages_keep_their_order() -> None:
    """Texts posted before or after other messages go as JSON with them, each message
    once and in the order posted."""
    h = Harness()
    got: list[Any] = []
    h.rt.register("text.out", lambda call_id, args: got.append(args["data"]))
    h.rt.register("other", lambda call_id, args: got.append(args))
    h.run("""var host = __swan_host__;
        host.postText('text.out', 1, 'first'); host.post('other', 0, 'second');
        host.post('other', 0, 'third'); host.postText('text.out', 1, 'fourth');
        host.postText('text.out', 1, 'fifth');""")
    await h.idle()
    assert got == ["first", "second", "third", "fourth", "fifth"]


async def test_a_target_that_is_not_a_task_id_sends_the_outbox_as_json() -> None:
    """A text whose target is not a uint32 (an app overwrote its task's id) goes as JSON
    with the texts around it: nothing shifts, nothing is lost, nothing is malformed."""
    h = Harness()
    got: list[Any] = []
    h.rt.register("text.out", lambda call_id, args: got.append(args))
    for target in ("'1\\u0001socket.close\\u00012\\u0001'", "1.5", "-1", "2 ** 32"):
        posts = (f"__swan_host__.postText('text.out', 1, 'before'); "
                 f"__swan_host__.postText('text.out', {target}, 'odd'); "
                 f"__swan_host__.postText('text.out', 2, 'after'); ")
        wire = h.rt.evaluate(posts + "JSON.stringify(__swan_host__.drain().charCodeAt(0))")
        assert wire == str(ord("[")), target
        h.rt.run_script("post.js", posts)
    await h.idle()
    assert [a["data"] for a in got] == ["before", "odd", "after"] * 4
    assert [a["task"] for a in got[1::3]] == ["1\x01socket.close\x012\x01", 1.5, -1, 2**32]
    assert h.errors == []


async def test_an_outbox_too_big_to_join_is_dropped_once_and_the_bridge_goes_on() -> None:
    """Texts too big to join within the JS heap are reported once and dropped; the next
    texts cross, and entries answer again."""
    h = Harness(memory_limit=64 * 1024 * 1024)
    got: list[int] = []
    h.rt.register("text.out", lambda call_id, args: got.append(len(args["data"])))
    h.rt.run_script("big.js", "var big = 'x'.repeat(6 * 1024 * 1024);"
                    " for (var i = 0; i < 12; i++) __swan_host__.postText('text.out', 1, big);"
                    " big = null;", strict=False)
    assert len(h.errors) == 1 and "memory" in h.errors[0].error.message
    h.run("__swan_host__.postText('text.out', 1, 'small');"
          " __swan_host__.entries.seven = function () { return 7; };")
    assert h.rt.enter("seven") == 7
    await h.idle()
    assert got == [5]


async def test_base_version_answers_follow_init() -> None:
    """host.baseAtLeast answers for the base version init set, and again after another
    init: its kept answers go with the old version."""
    h = Harness()
    h.rt.enter("init", {"baseVersion": "1.11.19"})
    assert h.rt.evaluate("__swan_host__.baseAtLeast('1.11.20')") == "false"
    assert h.rt.evaluate("__swan_host__.baseAtLeast('1.9.4')") == "true"
    h.rt.enter("init", {"baseVersion": "3.200.0"})
    assert h.rt.evaluate("__swan_host__.baseAtLeast('1.11.20')") == "true"
    assert h.errors == []


async def test_an_entrys_messages_are_handled_before_its_promise_jobs_run() -> None:
    """What an entry posts is handled before its promise jobs run (a socket's reply goes
    out first); what the jobs post is handled after them, in the order posted."""
    h = Harness()
    seen: list[str] = []

    def mark(_id: int, args: Any) -> None:
        job_ran = h.rt.engine.eval("globalThis.jobRan === true")  # JS state, read only
        seen.append(f"{args} (job ran: {job_ran})")

    h.rt.register("mark", mark)
    h.run("""__swan_host__.entries.reply = function () {
        __swan_host__.post('mark', 0, 'sync');
        Promise.resolve().then(function () {
            globalThis.jobRan = true;
            __swan_host__.post('mark', 0, 'from the job');
        });
    };""")
    h.rt.enter("reply")
    assert seen == ["sync (job ran: False)", "from the job (job ran: True)"]


async def test_a_slow_handler_does_not_cut_the_entrys_promise_jobs_short() -> None:
    """Handlers' time is not taken from the entry's promise jobs: after a handler slower
    than a slice (a cold first request), all of the entry's jobs still run in its step."""
    h = Harness()
    h.rt.register("slow", lambda _id, _args: time.sleep(0.03))
    h.run("""var done = 0;
        __swan_host__.entries.go = function () {
            __swan_host__.post('slow', 0, null);
            (async function () { for (var i = 0; i < 200; i++) { await null; done++; } })();
        };""")
    h.rt.enter("go")
    assert h.rt.evaluate("done") == "200"
    assert h.rt.settled

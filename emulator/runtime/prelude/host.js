// The JS half of the runtime: message bridge, callbacks, console, timers, modules.
//
// JS never calls Python (the engine refuses it while a time limit is set). Everything the
// app asks of the host is pushed onto `outbox` as [op, id, args]; Python drains it after
// each entry into JS and answers by calling `host.enter(name, payloadJson)`.
(function (global) {
  'use strict';

  const host = {};
  Object.defineProperty(global, '__swan_host__', { value: host });

  // ---- intrinsics -------------------------------------------------------------------
  // What the bridge needs of the built-ins, captured before any app code runs: an app
  // that replaces JSON.stringify, Array.prototype.push or Function.prototype.apply, or
  // sets Array.prototype.toJSON, changes what its own code sees, never what crosses the
  // bridge or how the host runs its callbacks.
  const uncurry = Function.prototype.call.bind(Function.prototype.bind, Function.prototype.call);
  const $ = {
    stringify: JSON.stringify,
    parse: JSON.parse,
    push: uncurry(Array.prototype.push),
    slice: uncurry(Array.prototype.slice),
    join: uncurry(Array.prototype.join),
    indexOf: uncurry(Array.prototype.indexOf),
    splice: uncurry(Array.prototype.splice),
    shift: uncurry(Array.prototype.shift),
    strIndexOf: uncurry(String.prototype.indexOf),
    strSlice: uncurry(String.prototype.slice),
    replace: uncurry(String.prototype.replace),
    isWellFormed: uncurry(String.prototype.isWellFormed),
    split: uncurry(String.prototype.split),
    apply: Reflect.apply,
    then: uncurry(Promise.prototype.then),
    resolve: Promise.resolve.bind(Promise),
    Promise: Promise,
    mapGet: uncurry(Map.prototype.get),
    mapSet: uncurry(Map.prototype.set),
    mapHas: uncurry(Map.prototype.has),
    mapDelete: uncurry(Map.prototype.delete),
    keys: Object.keys,
    assign: Object.assign,
    create: Object.create,
    defineProperty: Object.defineProperty,
    getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
    deleteProperty: Reflect.deleteProperty,
    isArray: Array.isArray,
    String: String,
    Number: Number,
    Error: Error,
    ArrayBuffer: ArrayBuffer,
    isView: ArrayBuffer.isView,
    Uint8Array: Uint8Array,
    toBase64: uncurry(Uint8Array.prototype.toBase64),
    fromBase64: Uint8Array.fromBase64,
    now: Date.now,
    clock: performance.now.bind(performance),  // ms, fractional, monotonic
  };
  host.intrinsic = $;

  // JSON.stringify calls any toJSON it finds, even one an app put on a built-in
  // prototype: those are set aside while the bridge serialises its own messages.
  const TO_JSON_PROTOTYPES = [Object.prototype, Array.prototype, String.prototype,
    Number.prototype, Boolean.prototype];
  const hasOwn = Object.hasOwn;
  host.stringify = function (value, replacer) {
    let found = false;
    for (let i = 0; i < TO_JSON_PROTOTYPES.length && !found; i++) {
      found = hasOwn(TO_JSON_PROTOTYPES[i], 'toJSON');
    }
    if (!found) return $.stringify(value, replacer);  // the usual case: no descriptor work
    let saved = null;
    for (let i = 0; i < TO_JSON_PROTOTYPES.length; i++) {
      const proto = TO_JSON_PROTOTYPES[i];
      const d = $.getOwnPropertyDescriptor(proto, 'toJSON');
      if (d && d.configurable && $.deleteProperty(proto, 'toJSON')) $.push(saved || (saved = []), [proto, d]);
    }
    try {
      return $.stringify(value, replacer);
    } finally {
      if (saved) for (let i = 0; i < saved.length; i++) $.defineProperty(saved[i][0], 'toJSON', saved[i][1]);
    }
  };

  // ---- bridge -----------------------------------------------------------------------
  const outbox = [];
  let outboxHasBinary = false;

  host.post = function (op, id, args, hasBinary) {
    $.push(outbox, [op, id, args === undefined ? null : args]);
    if (hasBinary) outboxHasBinary = true;
  };

  // Texts nobody awaits an answer to (a socket's sends): while the outbox holds only
  // these, it crosses as "\u0001" + op, target, text, op, target, text… joined by
  // "\u0001", no JSON made here and parsed in Python. A target that is not a uint32 (an
  // app may overwrite a task's id), or a text with a "\u0001" (it would split), a NUL
  // (the binding's C string would end there) or a lone surrogate (not UTF-8), sends the
  // outbox as JSON.
  let plainCount = 0;
  host.postText = function (op, target, text) {
    host.post(op, 0, { task: target, data: text });
    if (plainCount === outbox.length - 1 && typeof target === 'number' && target >>> 0 === target &&
        $.isWellFormed(text) && $.strIndexOf(text, '\u0001') < 0 && $.strIndexOf(text, '\u0000') < 0) {
      plainCount++;
    }
  };

  function plainText(messages) {
    const fields = [''];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      fields[fields.length] = m[0];
      fields[fields.length] = m[2].task;
      fields[fields.length] = m[2].data;
    }
    return $.join(fields, '\u0001');
  }

  function binaryReplacer(key, value) {
    if (value instanceof $.ArrayBuffer) {
      return { __bytes__: $.toBase64(new $.Uint8Array(value)) };
    }
    if ($.isView(value)) {
      return { __bytes__: $.toBase64(new $.Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
    }
    return value;
  }

  function binaryReviver(key, value) {
    if (value !== null && typeof value === 'object' && typeof value.__bytes__ === 'string') {
      return $.fromBase64(value.__bytes__).buffer;
    }
    return value;
  }

  host.fromWire = function (text) {
    if (text === null || text === undefined || text === '') return undefined;
    return $.strIndexOf(text, '"__bytes__"') >= 0 ? $.parse(text, binaryReviver) : $.parse(text);
  };

  // Entry points Python may call, by name. `enter` is the one door into JS.
  const entries = Object.create(null);
  host.entries = entries;

  // Returns "result\noutbox": what the entry posted comes back with it, saving Python a
  // second call (JSON text never holds a raw newline).
  host.enter = function (name, payload) {
    const fn = entries[name];
    if (!fn) throw new $.Error('unknown host entry: ' + name);
    return answer(fn(host.fromWire(payload)));
  };

  // The same door for an entry whose arguments are plain strings and numbers (a socket's
  // text message): they cross as they are, without a JSON text to parse.
  host.enterPlain = function (name, a, b) {
    const fn = entries[name];
    if (!fn) throw new $.Error('unknown host entry: ' + name);
    return answer(fn(a, b));
  };

  function answer(result) {
    // join, not +: quickjs-ng makes a "rope" of a long concatenation, a string type the
    // Python binding cannot take back.
    return $.join([result === undefined ? '' : host.stringify(result), host.drain()], '\n');
  }

  // The outbox is emptied whatever happens: a message JSON cannot carry (a BigInt, a
  // cycle, a throwing getter an app passed in its options) is replaced by a 'bridge.bad'
  // message, so its call fails and the bridge keeps working.
  host.drain = function () {
    if (outbox.length === 0) return '';
    const plain = plainCount === outbox.length;
    const replacer = outboxHasBinary ? binaryReplacer : undefined;
    const messages = $.slice(outbox);
    outbox.length = 0;
    plainCount = 0;
    outboxHasBinary = false;
    if (plain) {
      try {
        return plainText(messages);
      } catch (e) {
        // (out of memory joining them: the JSON way below says which message failed)
      }
    }
    try {
      return host.stringify(messages, replacer);
    } catch (e) {
      const parts = [];
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i];
        let text;
        try {
          text = host.stringify(m, replacer);
        } catch (err) {
          const call = $.mapGet(calls, m[1]);
          text = host.stringify(['bridge.bad', m[1], { op: call ? call.api : $.String(m[0]), reason: host.errorInfo(err).message }]);
        }
        $.push(parts, text);
      }
      return '[' + $.join(parts, ',') + ']';
    }
  };

  // ---- errors and user callbacks --------------------------------------------------
  host.errorInfo = function (e) {
    if (e instanceof $.Error) {
      return { message: $.String(e.name || 'Error') + ': ' + $.String(e.message), stack: $.String(e.stack || '') };
    }
    let text;
    try { text = typeof e === 'string' ? e : host.stringify(e); } catch (_) { text = $.String(e); }
    return { message: 'Uncaught ' + text, stack: '' };
  };

  host.reportError = function (e, where) {
    const info = host.errorInfo(e);
    info.where = where || '';
    host.post('error', 0, info);
  };

  // Calls an app function; an exception is reported and swallowed, as the platform does.
  // The platform ignores what hooks and callbacks return, so a rejected promise from an
  // async one would vanish: it is reported too.
  const unshift = Array.prototype.unshift;
  // The last callback run, named only when a runaway report asks (lastCallbackName):
  // building the text on every call was two string allocations per callback.
  let lastWhere = '';
  let lastFn = null;
  host.lastCallbackName = function () {
    if (!lastWhere) return '';
    const name = lastFn && lastFn.name;
    return lastWhere + (name ? ' (' + name + ')' : '');
  };
  host.callUser = function (fn, thisArg, args, where) {
    if (typeof fn !== 'function') return undefined;
    lastWhere = where;
    lastFn = fn;
    try {
      const result = $.apply(fn, thisArg, args || []);
      if (result instanceof $.Promise) {
        $.then(result, undefined, function (e) { host.reportError(e, where + ' (async)'); });
      }
      return result;
    } catch (e) {
      host.reportError(e, where);
      return undefined;
    }
  };

  host.later = function (fn) {
    $.then($.resolve(), fn);
  };

  // Steps: work the host runs as separate entries into JS, one after the other, like the
  // native side's messages to the logic layer on a device. Each lifecycle hook is its own
  // step, so a hook stopped by the time limit stops only itself, and promise jobs run
  // between hooks. Steps scheduled by a running step run next, in order.
  const steps = [];
  let front = [];
  let inStep = false;
  let stepPosted = false;

  function requestStep() {
    if (!stepPosted) {
      stepPosted = true;
      host.post('step', 0, null);
    }
  }

  // `queued`: the step is a new request (an API call such as navigateTo), not part of
  // the work of the running step, so it waits for everything already scheduled.
  host.step = function (fn, where, queued) {
    $.push(inStep && !queued ? front : steps, { fn: fn, where: where || '' });
    requestStep();
  };

  entries.step = function () {
    stepPosted = false;
    if (front.length) {
      $.apply(unshift, steps, front);
      front = [];
    }
    const next = $.shift(steps);
    if (steps.length) requestStep();
    if (!next) return;
    inStep = true;
    try {
      next.fn();
    } catch (e) {
      host.reportError(e, next.where);
    }
    inStep = false;
    if (front.length) requestStep();
  };

  const ERR_FAILED_CODE = 1001;
  const UNSUPPORTED = 'not supported by the emulator';

  // ---- API calls: exactly one of success/fail, then complete, always asynchronously --
  const calls = new Map();  // used through $.map*: an app cannot redirect them
  let nextCallId = 1;

  function finish(api, options, ok, res) {
    const cb = ok ? options.success : options.fail;
    // A failure nobody listens for would pass unseen; the devtools print these too.
    // (A stub's "not supported" has had its own warning.)
    const msg = $.String(res && res.errMsg);
    if (!ok && typeof cb !== 'function' && $.strSlice(msg, -UNSUPPORTED.length) !== UNSUPPORTED) {
      host.console.warn('swan.' + api + ' failed: ' + msg + (res && res.errCode !== undefined ? ' (errCode ' + res.errCode + ')' : ''));
    }
    host.callUser(cb, options, [res], 'swan.' + api + (ok ? ' success' : ' fail') + ' callback');
    host.callUser(options.complete, options, [res], 'swan.' + api + ' complete callback');
  }

  host.finish = finish;

  host.options = function (options) {
    return options !== null && typeof options === 'object' ? options : {};
  };

  // Posts `op` to Python; Python answers with entries.settle. Returns the call id.
  // extra.binary: args hold ArrayBuffers; extra.transform(res) shapes a success result
  // (dataType json parsing...) before the app sees it; extra.listeners: the progress
  // callbacks of an upload/download task.
  host.invoke = function (api, options, op, args, extra) {
    const id = nextCallId++;
    extra = extra || {};
    $.mapSet(calls, id, {
      api: api, options: host.options(options), transform: extra.transform,
      listeners: extra.listeners, aborted: false,
    });
    host.post(op, id, args, !!extra.binary);
    return id;
  };

  // Progress of a pending task; nothing after it settled or was aborted.
  entries.progress = function (p) {
    const call = $.mapGet(calls, p.id);
    if (!call || call.aborted || !call.listeners) return;
    const payload = p.res;
    const list = $.slice(call.listeners);
    for (let i = 0; i < list.length; i++) {
      host.callUser(list[i], undefined, [$.assign({}, payload)], call.api + ' onProgressUpdate callback');
      if (call.aborted) return;  // abort() inside a callback stops the others
    }
  };

  // The app aborted call `id`: Python is told (it cancels the work and answers with a
  // fail); whatever answer comes, success can no longer reach the app.
  host.abort = function (id, op) {
    const call = $.mapGet(calls, id);
    if (!call || call.aborted) return;
    call.aborted = true;
    host.post(op, id, null);
  };

  host.isPending = function (id) { return $.mapHas(calls, id); };

  host.succeed = function (api, options, res) {
    const o = host.options(options);
    const result = $.assign({ errMsg: api + ':ok' }, res || {});
    host.later(function () { finish(api, o, true, result); });
  };

  host.fail = function (api, options, errCode, reason) {
    const o = host.options(options);
    const err = { errCode: errCode, errMsg: api + ':fail ' + reason };
    host.later(function () { finish(api, o, false, err); });
  };

  entries.settle = function (p) {
    const call = $.mapGet(calls, p.id);
    if (!call) return;
    $.mapDelete(calls, p.id);
    let ok = !!p.ok;
    let res = p.res;
    if (call.aborted && ok) {
      ok = false;
      res = { errCode: ERR_FAILED_CODE, errMsg: call.api + ':fail abort' };
    }
    if (ok) {
      res = $.assign({ errMsg: call.api + ':ok' }, res || {});
      if (call.transform) res = call.transform(res);
    }
    finish(call.api, call.options, ok, res);
  };

  // The answers of several calls that ended in one loop turn (Runtime.settle_soon), in
  // the order they ended; each is settled as on its own. Returns how many were: once the
  // entry has taken SETTLE_ALL_MS (callbacks doing real work), the rest go in another
  // entry, as the time limit is per entry and each answer used to have one to itself.
  const SETTLE_ALL_MS = 5;
  entries.settleAll = function (list) {
    const start = $.clock();
    for (let i = 0; i < list.length; i++) {
      if (i > 0 && $.clock() - start >= SETTLE_ALL_MS) return i;
      entries.settle(list[i]);
    }
    return list.length;
  };

  // Events Python pushes to JS listeners (network status, ...).
  const listeners = Object.create(null);
  host.listen = function (name, fn) {
    if (typeof fn !== 'function') return;
    $.push(listeners[name] = listeners[name] || [], fn);
  };
  host.unlisten = function (name, fn) {
    const list = listeners[name];
    if (!list) return;
    const i = fn === undefined ? -1 : $.indexOf(list, fn);
    if (fn === undefined) list.length = 0;
    else if (i >= 0) $.splice(list, i, 1);
  };
  host.dispatch = function (name, payload) {
    const list = $.slice(listeners[name] || []);
    for (let i = 0; i < list.length; i++) host.callUser(list[i], undefined, [payload], name + ' listener');
  };
  entries.emit = function (p) {
    const hook = host.onEmit[p.name];
    if (hook) hook(p.payload);
    host.dispatch(p.name, p.payload);
  };
  host.onEmit = Object.create(null);

  // ---- console ----------------------------------------------------------------------
  // One message is at most MAX_CONSOLE_CHARS characters: the rest is cut, and the message
  // says how much (a debugging tool must not hand a window megabytes in one line).
  const MAX_CONSOLE_CHARS = 64 * 1024;
  const arrayFrom = Array.from;
  const isFiniteNumber = Number.isFinite;
  const mapEntries = uncurry(Map.prototype.entries);
  const setValues = uncurry(Set.prototype.values);
  const dateIso = uncurry(Date.prototype.toISOString);
  const MapCtor = Map;
  const SetCtor = Set;
  const DateCtor = Date;

  function describe(v, ancestors, depth) {
    if (v === null) return null;
    switch (typeof v) {
      case 'undefined': return undefined;
      case 'function': return '[Function' + (v.name ? ': ' + v.name : '') + ']';
      case 'bigint': return $.String(v) + 'n';
      case 'symbol': return $.String(v);
      case 'number': return isFiniteNumber(v) ? v : $.String(v);
      case 'object': break;
      default: return v;
    }
    if (v instanceof $.Error) return host.errorInfo(v).message;
    if (v instanceof $.ArrayBuffer) return '[ArrayBuffer ' + v.byteLength + ' bytes]';
    if ($.isView(v)) return '[' + v.constructor.name + ' ' + v.byteLength + ' bytes]';
    if (v instanceof DateCtor) { try { return dateIso(v); } catch (e) { return 'Invalid Date'; } }
    if ($.indexOf(ancestors, v) >= 0) return '[Circular]';
    if (depth > 20) return $.isArray(v) ? '[Array]' : '[Object]';
    $.push(ancestors, v);
    let out;
    if ($.isArray(v)) {
      out = [];
      for (let i = 0; i < v.length; i++) {
        const d = describe(v[i], ancestors, depth + 1);
        $.push(out, d === undefined ? null : d);
      }
    } else if (v instanceof MapCtor) {
      out = { '[Map]': describe(arrayFrom(mapEntries(v)), ancestors, depth + 1) };
    } else if (v instanceof SetCtor) {
      out = { '[Set]': describe(arrayFrom(setValues(v)), ancestors, depth + 1) };
    } else {
      out = {};
      const keys = $.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const d = describe(v[keys[i]], ancestors, depth + 1);
        if (d !== undefined) out[keys[i]] = d;
      }
    }
    ancestors.length -= 1;
    return out;
  }

  // How the devtools console prints one argument: strings bare, objects as compact JSON.
  host.formatValue = function (v) {
    if (typeof v === 'string') return $.join([v], '');  // a flat copy: Python cannot take ropes
    if (v === undefined) return 'undefined';
    if (v instanceof $.Error) return host.errorInfo(v).message + (v.stack ? '\n' + $.replace($.String(v.stack), /\n$/, '') : '');
    const d = describe(v, [], 0);
    return typeof d === 'string' ? d : host.stringify(d);
  };

  function formatArgs(args) {
    args = $.slice(args);
    const parts = [];
    if (typeof args[0] === 'string' && args.length > 1 && $.strIndexOf(args[0], '%') >= 0) {
      const rest = $.slice(args, 1);
      const head = $.replace(args[0], /%([sdifoOjc%])/g, function (m, c) {
        if (c === '%') return '%';
        if (rest.length === 0) return m;
        const v = $.shift(rest);
        switch (c) {
          case 's': return typeof v === 'string' ? v : host.formatValue(v);
          case 'd': case 'i': return $.String(parseInt(v, 10));
          case 'f': return $.String(parseFloat(v));
          case 'c': return '';
          default: return host.formatValue(v);
        }
      });
      $.push(parts, head);
      args = rest;
    }
    for (let i = 0; i < args.length; i++) $.push(parts, host.formatValue(args[i]));
    return $.join(parts, ' ');
  }

  function emitConsole(level, text, withStack) {
    if (text.length > MAX_CONSOLE_CHARS) {
      text = $.join([$.strSlice(text, 0, MAX_CONSOLE_CHARS), '… [', $.String(text.length - MAX_CONSOLE_CHARS),
        ' more characters cut: the emulator keeps ', $.String(MAX_CONSOLE_CHARS), ' per message]'], '');
    }
    const msg = { level: level, text: text };
    if (withStack) msg.stack = $.String(new $.Error().stack || '');
    host.post('console', 0, msg);
  }

  const counters = $.create(null);
  const timersByLabel = $.create(null);
  let groupIndent = '';
  const console_ = {
    log: function () { emitConsole('log', groupIndent + formatArgs(arguments)); },
    info: function () { emitConsole('info', groupIndent + formatArgs(arguments)); },
    debug: function () { emitConsole('debug', groupIndent + formatArgs(arguments)); },
    warn: function () { emitConsole('warn', groupIndent + formatArgs(arguments), true); },
    error: function () { emitConsole('error', groupIndent + formatArgs(arguments), true); },
    trace: function () { emitConsole('debug', 'Trace: ' + formatArgs(arguments), true); },
    assert: function (cond) {
      if (!cond) emitConsole('error', 'Assertion failed: ' + formatArgs($.slice(arguments, 1)), true);
    },
    table: function (data) { emitConsole('log', groupIndent + host.formatValue(data)); },
    dir: function (v) { emitConsole('log', groupIndent + host.formatValue(v)); },
    group: function () { if (arguments.length) $.apply(console_.log, null, arguments); groupIndent += '  '; },
    groupEnd: function () { groupIndent = $.strSlice(groupIndent, 2); },
    count: function (label) {
      label = label === undefined ? 'default' : $.String(label);
      counters[label] = (counters[label] || 0) + 1;
      console_.log(label + ': ' + counters[label]);
    },
    time: function (label) { timersByLabel[label === undefined ? 'default' : $.String(label)] = $.now(); },
    timeEnd: function (label) {
      label = label === undefined ? 'default' : $.String(label);
      if (!(label in timersByLabel)) return;
      console_.log(label + ': ' + ($.now() - timersByLabel[label]) + 'ms');
      delete timersByLabel[label];
    },
  };
  console_.groupCollapsed = console_.group;
  global.console = console_;
  // The host's own warnings go here even if the app replaces `console`.
  host.console = console_;

  // ---- timers: scheduled on the asyncio loop by Python ------------------------------
  const timers = new Map();  // used through $.map*
  let nextTimerId = 1;

  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') {
      // The platform (like browsers) accepts a string; we refuse eval-by-timer clearly.
      throw new TypeError('setTimeout/setInterval expects a function');
    }
    const id = nextTimerId++;
    $.mapSet(timers, id, { fn: fn, args: args, repeat: repeat });
    let delay = $.Number(ms);
    if (!(delay >= 0)) delay = 0;
    host.post('timer.set', id, { delay: delay, repeat: repeat });
    return id;
  }

  function clearTimer(id) {
    if ($.mapDelete(timers, id)) host.post('timer.clear', id, null);
  }

  global.setTimeout = function (fn, ms) { return addTimer(fn, ms, $.slice(arguments, 2), false); };
  global.setInterval = function (fn, ms) { return addTimer(fn, ms, $.slice(arguments, 2), true); };
  global.clearTimeout = clearTimer;
  global.clearInterval = clearTimer;

  entries.timer = function (id) {
    const t = $.mapGet(timers, id);
    if (!t) return;
    if (!t.repeat) $.mapDelete(timers, id);
    host.callUser(t.fn, undefined, t.args, t.repeat ? 'setInterval callback' : 'setTimeout callback');
  };

  // ---- CommonJS modules ----------------------------------------------------------------
  const defs = new Map(); // path -> {factory} | {json} | {broken}
  const cache = new Map();
  const running = []; // the modules whose bodies are running, innermost last

  // The file whose top level is running (App/Page/Component register to it), or ''.
  host.currentModule = function () { return running.length ? running[running.length - 1] : ''; };

  host.define = function (path, factory) { defs.set(path, { factory: factory }); };
  entries.defineJson = function (p) { defs.set(p.path, { json: p.value }); };
  entries.defineBroken = function (p) { defs.set(p.path, { broken: p.message }); };

  function dirname(path) {
    const i = path.lastIndexOf('/');
    return i < 0 ? '' : path.slice(0, i);
  }
  host.dirname = dirname;

  // Joins and normalises; returns null when the path climbs above the app root.
  function normalize(path) {
    const out = [];
    for (const part of path.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (out.length === 0) return null;
        out.pop();
      } else {
        out.push(part);
      }
    }
    return out.join('/');
  }
  host.normalize = normalize;

  function findFile(base) {
    if (base === null) return null;
    const candidates = [base, base + '.js', base + '.json', base + '/index.js', base + '/index.json'];
    for (const c of candidates) if (defs.has(c)) return c;
    return null;
  }

  host.resolve = function (from, spec) {
    if (typeof spec !== 'string' || spec === '') return null;
    const dir = dirname(from);
    if (spec[0] === '/') return findFile(normalize(spec));
    if (spec.startsWith('./') || spec.startsWith('../')) return findFile(normalize(dir + '/' + spec));
    // A bare name: the platform resolves it against the current folder first, then npm
    // folders from here up, then the app root.
    let found = findFile(normalize(dir + '/' + spec));
    if (found) return found;
    let d = dir;
    for (;;) {
      for (const npm of ['miniprogram_npm', 'node_modules']) {
        found = findFile(normalize((d ? d + '/' : '') + npm + '/' + spec));
        if (found) return found;
      }
      if (d === '') break;
      d = dirname(d);
    }
    return findFile(normalize(spec));
  };

  function makeRequire(from) {
    const req = function require(spec) {
      const path = host.resolve(from, spec);
      if (path === null) {
        throw new Error("Cannot find module '" + spec + "' from '" + (from || '/') + "'");
      }
      return host.load(path);
    };
    req.resolve = function (spec) { return host.resolve(from, spec); };
    return req;
  }

  host.load = function (path) {
    const cached = cache.get(path);
    if (cached) return cached.exports;
    const def = defs.get(path);
    if (!def) throw new Error("Cannot find module '" + path + "'");
    if (def.broken) throw new SyntaxError(def.broken);
    const module = { id: path, filename: path, exports: {}, loaded: false };
    if ('json' in def) {
      module.exports = def.json;
      module.loaded = true;
      cache.set(path, module);
      return module.exports;
    }
    cache.set(path, module);  // before running: a cycle sees the partial exports, as in Node
    running.push(path);
    try {
      def.factory.call(module.exports, module, module.exports, makeRequire(path), path, dirname(path));
    } catch (e) {
      cache.delete(path);
      throw e;
    } finally {
      running.pop();
    }
    module.loaded = true;
    return module.exports;
  };

  // ES module interop (emulator/runtime/esm.py rewrites import/export into CommonJS).
  host.esmDefault = function (m) { return m && m.__esModule ? m.default : m; };
  host.esmReexport = function (target, m) {
    for (const k of Object.keys(m)) if (k !== 'default' && k !== '__esModule') target[k] = m[k];
  };

  host.hasModule = function (path) { return defs.has(path); };
  host.isLoaded = function (path) { return cache.has(path); };
})(globalThis);

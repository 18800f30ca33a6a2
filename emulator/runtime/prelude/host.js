// The JS half of the runtime: message bridge, callbacks, console, timers, modules.
//
// JS never calls Python (the engine refuses it while a time limit is set). Everything the
// app asks of the host is pushed onto `outbox` as [op, id, args]; Python drains it after
// each entry into JS and answers by calling `host.enter(name, payloadJson)`.
(function (global) {
  'use strict';

  const host = {};
  Object.defineProperty(global, '__swan_host__', { value: host });

  // ---- bridge -----------------------------------------------------------------------
  const outbox = [];
  let outboxHasBinary = false;

  host.post = function (op, id, args, hasBinary) {
    outbox.push([op, id, args === undefined ? null : args]);
    if (hasBinary) outboxHasBinary = true;
  };

  function binaryReplacer(key, value) {
    if (value instanceof ArrayBuffer) {
      return { __bytes__: new Uint8Array(value).toBase64() };
    }
    if (ArrayBuffer.isView(value)) {
      return { __bytes__: new Uint8Array(value.buffer, value.byteOffset, value.byteLength).toBase64() };
    }
    return value;
  }

  function binaryReviver(key, value) {
    if (value !== null && typeof value === 'object' && typeof value.__bytes__ === 'string') {
      return Uint8Array.fromBase64(value.__bytes__).buffer;
    }
    return value;
  }

  host.fromWire = function (text) {
    if (text === null || text === undefined || text === '') return undefined;
    return text.indexOf('"__bytes__"') >= 0 ? JSON.parse(text, binaryReviver) : JSON.parse(text);
  };

  // Entry points Python may call, by name. `enter` is the one door into JS.
  const entries = Object.create(null);
  host.entries = entries;

  // Returns "result\noutbox": what the entry posted comes back with it, saving Python a
  // second call (JSON text never holds a raw newline).
  host.enter = function (name, payload) {
    const fn = entries[name];
    if (!fn) throw new Error('unknown host entry: ' + name);
    const result = fn(host.fromWire(payload));
    // join, not +: quickjs-ng makes a "rope" of a long concatenation, a string type the
    // Python binding cannot take back.
    return [result === undefined ? '' : JSON.stringify(result), host.drain()].join('\n');
  };

  host.drain = function () {
    if (outbox.length === 0) return '';
    const text = outboxHasBinary ? JSON.stringify(outbox, binaryReplacer) : JSON.stringify(outbox);
    outbox.length = 0;
    outboxHasBinary = false;
    return text;
  };

  // ---- errors and user callbacks --------------------------------------------------
  host.errorInfo = function (e) {
    if (e instanceof Error) {
      return { message: String(e.name || 'Error') + ': ' + String(e.message), stack: String(e.stack || '') };
    }
    let text;
    try { text = typeof e === 'string' ? e : JSON.stringify(e); } catch (_) { text = String(e); }
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
  host.lastCallback = '';
  host.callUser = function (fn, thisArg, args, where) {
    if (typeof fn !== 'function') return undefined;
    host.lastCallback = where + (fn.name ? ' (' + fn.name + ')' : '');
    try {
      const result = fn.apply(thisArg, args || []);
      if (result instanceof Promise) {
        result.then(undefined, function (e) { host.reportError(e, where + ' (async)'); });
      }
      return result;
    } catch (e) {
      host.reportError(e, where);
      return undefined;
    }
  };

  host.later = function (fn) {
    Promise.resolve().then(fn);
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
    (inStep && !queued ? front : steps).push({ fn: fn, where: where || '' });
    requestStep();
  };

  entries.step = function () {
    stepPosted = false;
    if (front.length) {
      steps.unshift.apply(steps, front);
      front = [];
    }
    const next = steps.shift();
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

  // ---- API calls: exactly one of success/fail, then complete, always asynchronously --
  const calls = new Map();
  let nextCallId = 1;

  function finish(api, options, ok, res) {
    const cb = ok ? options.success : options.fail;
    // A failure nobody listens for would pass unseen; the devtools print these too.
    // (A stub's "not supported" has had its own warning.)
    if (!ok && typeof cb !== 'function' && !/not supported by the emulator$/.test(String(res && res.errMsg))) {
      console.warn('swan.' + api + ' failed: ' + (res && res.errMsg) + (res && res.errCode !== undefined ? ' (errCode ' + res.errCode + ')' : ''));
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
    calls.set(id, {
      api: api, options: host.options(options), transform: extra.transform,
      listeners: extra.listeners, aborted: false,
    });
    host.post(op, id, args, !!extra.binary);
    return id;
  };

  // Progress of a pending task; nothing after it settled or was aborted.
  entries.progress = function (p) {
    const call = calls.get(p.id);
    if (!call || call.aborted || !call.listeners) return;
    const payload = p.res;
    for (const fn of call.listeners.slice()) {
      host.callUser(fn, undefined, [Object.assign({}, payload)], call.api + ' onProgressUpdate callback');
      if (call.aborted) return;  // abort() inside a callback stops the others
    }
  };

  // The app aborted call `id`: Python is told (it cancels the work and answers with a
  // fail); whatever answer comes, success can no longer reach the app.
  host.abort = function (id, op) {
    const call = calls.get(id);
    if (!call || call.aborted) return;
    call.aborted = true;
    host.post(op, id, null);
  };

  host.isPending = function (id) { return calls.has(id); };

  host.succeed = function (api, options, res) {
    const o = host.options(options);
    const result = Object.assign({ errMsg: api + ':ok' }, res || {});
    host.later(function () { finish(api, o, true, result); });
  };

  host.fail = function (api, options, errCode, reason) {
    const o = host.options(options);
    const err = { errCode: errCode, errMsg: api + ':fail ' + reason };
    host.later(function () { finish(api, o, false, err); });
  };

  entries.settle = function (p) {
    const call = calls.get(p.id);
    if (!call) return;
    calls.delete(p.id);
    let ok = !!p.ok;
    let res = p.res;
    if (call.aborted && ok) {
      ok = false;
      res = { errCode: ERR_FAILED_CODE, errMsg: call.api + ':fail abort' };
    }
    if (ok) {
      res = Object.assign({ errMsg: call.api + ':ok' }, res || {});
      if (call.transform) res = call.transform(res);
    }
    finish(call.api, call.options, ok, res);
  };

  // Events Python pushes to JS listeners (network status, ...).
  const listeners = Object.create(null);
  host.listen = function (name, fn) {
    if (typeof fn !== 'function') return;
    (listeners[name] = listeners[name] || []).push(fn);
  };
  host.unlisten = function (name, fn) {
    const list = listeners[name];
    if (!list) return;
    const i = fn === undefined ? -1 : list.indexOf(fn);
    if (fn === undefined) list.length = 0;
    else if (i >= 0) list.splice(i, 1);
  };
  host.dispatch = function (name, payload) {
    const list = (listeners[name] || []).slice();
    for (const fn of list) host.callUser(fn, undefined, [payload], name + ' listener');
  };
  entries.emit = function (p) {
    const hook = host.onEmit[p.name];
    if (hook) hook(p.payload);
    host.dispatch(p.name, p.payload);
  };
  host.onEmit = Object.create(null);

  // ---- console ----------------------------------------------------------------------
  function describe(v, ancestors, depth) {
    if (v === null) return null;
    switch (typeof v) {
      case 'undefined': return undefined;
      case 'function': return '[Function' + (v.name ? ': ' + v.name : '') + ']';
      case 'bigint': return v.toString() + 'n';
      case 'symbol': return v.toString();
      case 'number': return Number.isFinite(v) ? v : String(v);
      case 'object': break;
      default: return v;
    }
    if (v instanceof Error) return host.errorInfo(v).message;
    if (v instanceof ArrayBuffer) return '[ArrayBuffer ' + v.byteLength + ' bytes]';
    if (ArrayBuffer.isView(v)) return '[' + v.constructor.name + ' ' + v.byteLength + ' bytes]';
    if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString();
    if (ancestors.indexOf(v) >= 0) return '[Circular]';
    if (depth > 20) return Array.isArray(v) ? '[Array]' : '[Object]';
    ancestors.push(v);
    let out;
    if (Array.isArray(v)) {
      out = v.map(function (x) { const d = describe(x, ancestors, depth + 1); return d === undefined ? null : d; });
    } else if (v instanceof Map) {
      out = { '[Map]': describe(Array.from(v.entries()), ancestors, depth + 1) };
    } else if (v instanceof Set) {
      out = { '[Set]': describe(Array.from(v.values()), ancestors, depth + 1) };
    } else {
      out = {};
      for (const k of Object.keys(v)) {
        const d = describe(v[k], ancestors, depth + 1);
        if (d !== undefined) out[k] = d;
      }
    }
    ancestors.pop();
    return out;
  }

  // How the devtools console prints one argument: strings bare, objects as compact JSON.
  host.formatValue = function (v) {
    if (typeof v === 'string') return [v].join('');  // a flat copy: Python cannot take ropes
    if (v === undefined) return 'undefined';
    if (v instanceof Error) return host.errorInfo(v).message + (v.stack ? '\n' + String(v.stack).replace(/\n$/, '') : '');
    const d = describe(v, [], 0);
    return typeof d === 'string' ? d : JSON.stringify(d);
  };

  function formatArgs(args) {
    args = Array.prototype.slice.call(args);
    const parts = [];
    if (typeof args[0] === 'string' && args.length > 1 && args[0].indexOf('%') >= 0) {
      let rest = args.slice(1);
      const head = args[0].replace(/%([sdifoOjc%])/g, function (m, c) {
        if (c === '%') return '%';
        if (rest.length === 0) return m;
        const v = rest.shift();
        switch (c) {
          case 's': return typeof v === 'string' ? v : host.formatValue(v);
          case 'd': case 'i': return String(parseInt(v, 10));
          case 'f': return String(parseFloat(v));
          case 'c': return '';
          default: return host.formatValue(v);
        }
      });
      parts.push(head);
      args = rest;
    }
    for (const a of args) parts.push(host.formatValue(a));
    return parts.join(' ');
  }

  function emitConsole(level, args, withStack) {
    const msg = { level: level, text: formatArgs(args) };
    if (withStack) msg.stack = String(new Error().stack || '');
    host.post('console', 0, msg);
  }

  const counters = Object.create(null);
  const timersByLabel = Object.create(null);
  let groupIndent = '';
  const console_ = {
    log: function () { emitConsole('log', [groupIndent + formatArgs(arguments)]); },
    info: function () { emitConsole('info', [groupIndent + formatArgs(arguments)]); },
    debug: function () { emitConsole('debug', [groupIndent + formatArgs(arguments)]); },
    warn: function () { emitConsole('warn', [groupIndent + formatArgs(arguments)], true); },
    error: function () { emitConsole('error', [groupIndent + formatArgs(arguments)], true); },
    trace: function () { emitConsole('debug', ['Trace: ' + formatArgs(arguments)], true); },
    assert: function (cond) {
      if (!cond) emitConsole('error', ['Assertion failed: ' + formatArgs(Array.prototype.slice.call(arguments, 1))], true);
    },
    table: function (data) { emitConsole('log', [groupIndent + host.formatValue(data)]); },
    dir: function (v) { emitConsole('log', [groupIndent + host.formatValue(v)]); },
    group: function () { if (arguments.length) console_.log.apply(null, arguments); groupIndent += '  '; },
    groupEnd: function () { groupIndent = groupIndent.slice(2); },
    count: function (label) {
      label = label === undefined ? 'default' : String(label);
      counters[label] = (counters[label] || 0) + 1;
      console_.log(label + ': ' + counters[label]);
    },
    time: function (label) { timersByLabel[label === undefined ? 'default' : String(label)] = Date.now(); },
    timeEnd: function (label) {
      label = label === undefined ? 'default' : String(label);
      if (!(label in timersByLabel)) return;
      console_.log(label + ': ' + (Date.now() - timersByLabel[label]) + 'ms');
      delete timersByLabel[label];
    },
  };
  console_.groupCollapsed = console_.group;
  global.console = console_;

  // ---- timers: scheduled on the asyncio loop by Python ------------------------------
  const timers = new Map();
  let nextTimerId = 1;

  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') {
      // The platform (like browsers) accepts a string; we refuse eval-by-timer clearly.
      throw new TypeError('setTimeout/setInterval expects a function');
    }
    const id = nextTimerId++;
    timers.set(id, { fn: fn, args: args, repeat: repeat });
    let delay = Number(ms);
    if (!(delay >= 0)) delay = 0;
    host.post('timer.set', id, { delay: delay, repeat: repeat });
    return id;
  }

  function clearTimer(id) {
    if (timers.delete(id)) host.post('timer.clear', id, null);
  }

  global.setTimeout = function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), false); };
  global.setInterval = function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), true); };
  global.clearTimeout = clearTimer;
  global.clearInterval = clearTimer;

  entries.timer = function (id) {
    const t = timers.get(id);
    if (!t) return;
    if (!t.repeat) timers.delete(id);
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

// WebSockets: connectSocket, SocketTask and the global socket functions. State that sync
// code reads (readyState, which socket is "current") lives here; Python does the I/O and
// pushes events (open, message, error, close) in order.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const $ = host.intrinsic;
  const ARGS = host.ERR_ARGS;
  const FAILED = host.ERR_FAILED;
  const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
  const MULTIPLE_SINCE = '1.9.4';
  // The largest message either way: 16 MiB (swan/socket/frames.py MAX_FRAME_BYTES, keep in step).
  const MAX_FRAME_BYTES = 16 * 1024 * 1024;
  const TOO_BIG = 'message too big (limit 16 MiB)';
  const tasks = [];  // in creation order
  const byId = new Map();
  let nextTaskId = 1;
  let current = null;
  const globalListeners = { open: [], message: [], error: [], close: [] };

  host.versionGates.SocketTask = MULTIPLE_SINCE;

  function multipleAllowed() {
    return host.baseAtLeast(MULTIPLE_SINCE);
  }

  function utf8Length(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  // RFC 6455: the codes an endpoint may send in a close frame.
  function closeCodeOk(code) {
    return code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1011) ||
      (code >= 3000 && code <= 4999);
  }

  function isBinary(v) {
    return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  }

  function emit(list, payload, where) {
    const fns = list.length === 1 ? list : list.slice();
    for (let i = 0; i < fns.length; i++) host.callUser(fns[i], undefined, [payload], where);
  }

  function makeTask(url) {
    const id = nextTaskId++;
    const listeners = { open: [], message: [], error: [], close: [] };
    const task = {
      socketTaskId: id,
      readyState: CONNECTING,
      CONNECTING: CONNECTING, OPEN: OPEN, CLOSING: CLOSING, CLOSED: CLOSED,
      send: function (o) { send('send', task, o); },
      close: function (o) { close('close', task, o); },
    };
    for (const name of ['open', 'message', 'error', 'close']) {
      const cap = name.charAt(0).toUpperCase() + name.slice(1);
      task['on' + cap] = function (fn) { if (typeof fn === 'function') listeners[name].push(fn); };
      task['off' + cap] = function (fn) {
        const list = listeners[name];
        if (fn === undefined) list.length = 0;
        else if (list.indexOf(fn) >= 0) list.splice(list.indexOf(fn), 1);
      };
    }
    Object.defineProperty(task, '__listeners__', { value: listeners });
    Object.defineProperty(task, '__url__', { value: url });
    return task;
  }

  function setCurrentAfterClose(task) {
    if (current !== task) return;
    current = tasks.find(function (t) { return t.readyState !== CLOSED; }) || null;
  }

  function finishClose(task) {
    task.readyState = CLOSED;
    const i = tasks.indexOf(task);
    if (i >= 0) tasks.splice(i, 1);
    setCurrentAfterClose(task);
  }

  const TASK_WHERE = { open: 'SocketTask.onOpen', message: 'SocketTask.onMessage', error: 'SocketTask.onError', close: 'SocketTask.onClose' };
  const GLOBAL_WHERE = { open: 'swan.onSocketOpen', message: 'swan.onSocketMessage', error: 'swan.onSocketError', close: 'swan.onSocketClose' };

  // The connectSocket call's answer, in line with the socket's events: success once the
  // handshake is done (the socket OPEN, before onOpen), or fail before onError and onClose.
  function answer(task, e) {
    if (e.ok) {
      if (task.readyState === CONNECTING) task.readyState = OPEN;
    } else {
      task.readyState = CLOSED;
    }
    host.entries.settle({ id: e.call, ok: e.ok, res: e.res });
  }

  function dispatch(task, type, payload) {
    const isCurrent = current === task;
    // (An app that closed the socket in connectSocket's success is CLOSING by now.)
    if (type === 'open' && task.readyState === CONNECTING) task.readyState = OPEN;
    else if (type === 'close') finishClose(task);
    const own = task.__listeners__[type];
    if (own.length) emit(own, payload, TASK_WHERE[type]);
    if (isCurrent && globalListeners[type].length) emit(globalListeners[type], payload, GLOBAL_WHERE[type]);
  }

  host.entries.socketEvents = function (events) {
    for (const e of events) {
      const task = byId.get(e.task);
      if (!task) continue;
      if (e.type === 'answer') { answer(task, e); continue; }
      if (e.type === 'close') byId.delete(e.task);
      dispatch(task, e.type, e.res);
    }
  };

  // Text messages of one socket, the usual case: they cross as one plain string, joined
  // by "\u0001" (enterPlain; Python sends a text holding one as JSON).
  host.entries.socketMessages = function (taskId, joined) {
    const task = byId.get(taskId);
    if (!task) return;
    const texts = $.split(joined, '\u0001');
    for (let i = 0; i < texts.length; i++) dispatch(task, 'message', { data: texts[i] });
  };

  impl.connectSocket = function (o) {
    o = host.options(o);
    const task = makeTask(o.url);
    // A bad argument fails here, before any socket is replaced, registered or connected.
    const a = host.netArgs('connectSocket', o, { header: 'strict', protocols: true });
    if (a.error) {
      task.readyState = CLOSED;
      host.fail('connectSocket', o, ARGS, a.error);
      return task;
    }
    if (!multipleAllowed()) {
      // Before 1.9.4 an app has one socket: a new connectSocket closes the old one first.
      for (const old of tasks.slice()) {
        if (old.readyState === OPEN || old.readyState === CONNECTING) {
          old.readyState = CLOSING;
          host.post('socket.close', 0, { task: old.socketTaskId, code: 1000, reason: 'replaced by a new connectSocket' });
        }
      }
    }
    tasks.push(task);
    byId.set(task.socketTaskId, task);
    if (!current || current.readyState === CLOSED) current = task;
    host.invoke('connectSocket', o, 'socket.connect', {
      task: task.socketTaskId, url: a.url, header: a.headers, protocols: a.protocols,
    }, {
      transform: function (res) { res.socketTaskId = task.socketTaskId; return res; },
    });
    return task;
  };

  function send(api, task, o) {
    o = host.options(o);
    if (!task || task.readyState !== OPEN) {
      host.fail(api, o, FAILED, 'SocketTask.readyState is not OPEN');
      return;
    }
    const data = o.data;
    if (typeof data !== 'string' && !isBinary(data)) {
      host.fail(api, o, ARGS, 'parameter error: data must be a string or an ArrayBuffer');
      return;
    }
    // n UTF-16 code units are at most 3n bytes of UTF-8: count only when that is too many.
    const size = typeof data === 'string' ? (3 * data.length > MAX_FRAME_BYTES ? utf8Length(data) : 0)
      : data.byteLength;
    if (size > MAX_FRAME_BYTES) {
      host.fail(api, o, FAILED, TOO_BIG);
      return;
    }
    const args = { task: task.socketTaskId, data: data };
    if (typeof o.success !== 'function' && typeof o.fail !== 'function' && typeof o.complete !== 'function') {
      // Nobody listens for the answer (the common case): no call to settle, so a burst of
      // frames costs one message each, not a round trip each.
      if (typeof data === 'string') host.postText('socket.send', task.socketTaskId, data);
      else host.post('socket.send', 0, args, true);
      return;
    }
    host.invoke(api, o, 'socket.send', args, { binary: isBinary(data) });
  }

  function close(api, task, o) {
    o = host.options(o);
    if (!task || task.readyState !== OPEN) {
      host.fail(api, o, FAILED, 'SocketTask.readyState is not OPEN');
      return;
    }
    const code = o.code === undefined ? 1000 : o.code;
    if (typeof code !== 'number' || Math.floor(code) !== code || !closeCodeOk(code)) {
      host.fail(api, o, ARGS, 'parameter error: invalid close code ' + String(o.code) +
        ' (1000, 1001-1003, 1007-1011 or 3000-4999)');
      return;
    }
    const reason = o.reason === undefined ? '' : o.reason;
    if (typeof reason !== 'string' || utf8Length(reason) > 123) {
      host.fail(api, o, ARGS, 'parameter error: reason must be a string of at most 123 bytes of UTF-8');
      return;
    }
    task.readyState = CLOSING;
    host.invoke(api, o, 'socket.close', { task: task.socketTaskId, code: code, reason: reason });
  }

  // ---- the global functions act on the current socket -------------------------------------
  impl.onSocketOpen = function (fn) { if (typeof fn === 'function') globalListeners.open.push(fn); };
  impl.onSocketMessage = function (fn) { if (typeof fn === 'function') globalListeners.message.push(fn); };
  impl.onSocketError = function (fn) { if (typeof fn === 'function') globalListeners.error.push(fn); };
  impl.onSocketClose = function (fn) { if (typeof fn === 'function') globalListeners.close.push(fn); };

  impl.sendSocketMessage = function (o) {
    o = host.options(o);
    if (!current) { host.fail('sendSocketMessage', o, FAILED, 'WebSocket is not connected'); return; }
    send('sendSocketMessage', current, o);
  };

  impl.closeSocket = function (o) {
    o = host.options(o);
    const open = tasks.filter(function (t) { return t.readyState === OPEN; });
    if (open.length === 0) { host.fail('closeSocket', o, FAILED, 'WebSocket is not connected'); return; }
    // Closes every open socket; the app hears success (or fail) once, for the first.
    const rest = open.slice(1);
    for (const t of rest) close('closeSocket', t, { code: o.code, reason: o.reason });
    close('closeSocket', open[0], o);
  };
})(globalThis, globalThis.__swan_host__);

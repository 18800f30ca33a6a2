// swan.<name> answered by whoever drives the app (emulator/automation/mocks.py,
// `MiniProgram.mock_swan`). Still one channel: an async mock posts 'mock.call' like any
// API call and Python answers it with entries.settle; a Sync mock returns the value
// Python left here (JS never waits for Python), and posts 'mock.sync' so the call is
// recorded. A mock replaces the member of the app's `swan` object; restoring puts the
// real one back. Mocks given before launch are installed as soon as `swan` exists.
(function (global, host) {
  'use strict';

  const $ = host.intrinsic;
  const mocks = new Map();      // name -> {kind, value, fail, members}
  const installed = new Map();  // name -> {holder, key, had, real}

  // `ai.ocrIdCard` -> [swan.ai, 'ocrIdCard']; null when the namespace is missing.
  function holderOf(name) {
    const parts = String(name).split('.');
    let holder = global.swan;
    for (let i = 0; i < parts.length - 1; i++) {
      if (holder === null || typeof holder !== 'object') return null;
      holder = holder[parts[i]];
    }
    return holder !== null && typeof holder === 'object' ? [holder, parts[parts.length - 1]] : null;
  }

  // What can cross as JSON: the options without their callbacks.
  function plain(o) {
    const out = {};
    const keys = $.keys(o);
    for (let i = 0; i < keys.length; i++) {
      if (typeof o[keys[i]] !== 'function') out[keys[i]] = o[keys[i]];
    }
    return out;
  }

  // A task API (request, uploadFile…) returns its task object: the mock's does nothing
  // but abort, which fails the call as the real abort does.
  function taskOf(id, members) {
    const task = {};
    for (let i = 0; i < members.length; i++) task[members[i]] = function () {};
    task.abort = function () { host.abort(id, 'mock.abort'); };
    return task;
  }

  function asyncMock(name, m) {
    return function (o) {
      o = host.options(o);
      const id = host.invoke(name, o, 'mock.call', { name: name, options: plain(o) }, { binary: true });
      return m.kind === 'task' ? taskOf(id, m.members || []) : undefined;
    };
  }

  function syncMock(name, m) {
    return function () {
      host.post('mock.sync', 0, { name: name, args: $.slice(arguments) }, true);
      if (m.fail !== null && m.fail !== undefined) return host.syncFail(name, m.fail);
      return m.value === undefined ? undefined : host.intrinsic.parse(host.stringify(m.value));
    };
  }

  function install(name) {
    const m = $.mapGet(mocks, name);
    const at = holderOf(name);
    if (!m || !at) return false;
    if (!$.mapHas(installed, name)) {
      const had = Object.prototype.hasOwnProperty.call(at[0], at[1]);
      $.mapSet(installed, name, { holder: at[0], key: at[1], had: had, real: at[0][at[1]] });
    }
    at[0][at[1]] = m.kind === 'sync' ? syncMock(name, m) : asyncMock(name, m);
    return true;
  }

  // p: {name, kind: 'async'|'task'|'sync', value, fail, members}. Returns whether the
  // mock is in place now (false: it waits for `swan` to exist).
  host.entries.mockSwan = function (p) {
    $.mapSet(mocks, p.name, p);
    return { installed: global.swan ? install(p.name) : false };
  };

  host.entries.restoreSwan = function (p) {
    $.mapDelete(mocks, p.name);
    const was = $.mapGet(installed, p.name);
    if (!was) return { restored: false };
    $.mapDelete(installed, p.name);
    if (was.had) was.holder[was.key] = was.real;
    else delete was.holder[was.key];
    return { restored: true };
  };

  host.onInit.push(function () {
    const names = Array.from(mocks.keys());
    for (let i = 0; i < names.length; i++) install(names[i]);
  });
})(globalThis, globalThis.__swan_host__);

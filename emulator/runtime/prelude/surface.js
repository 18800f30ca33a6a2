// The app's `swan` object and `swan.canIUse`, built from the platform's API table
// (emulator/swan/surface.py, sent with the init payload) so the two cannot disagree.
//
// `swan` is a plain object, as on the platform: a name the platform lacks reads undefined,
// and what an app stores on it stays. An API of the emulated base library that the
// emulator does not implement is a stub that fails cleanly (`<api>:fail not supported by
// the emulator`, one console warning per API), and canIUse says false for it.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const hasOwn = Object.prototype.hasOwnProperty;
  let table = { apis: {}, classes: {}, components: {}, features: {} };

  // The task objects of network.js and socket.js (a test checks these against real ones).
  const TRANSFER_TASK = ['onProgressUpdate', 'offProgressUpdate', 'abort'];
  host.implementClass('RequestTask', ['abort']);
  host.implementClass('UploadTask', TRANSFER_TASK);
  host.implementClass('DownloadTask', TRANSFER_TASK);
  host.implementClass('SocketTask', ['send', 'close', 'onOpen', 'onClose', 'onError', 'onMessage']);
  const implementedClasses = host.implementedClasses;

  // A node of the table exists in the emulated base library.
  function available(node) {
    return !node.v || host.baseAtLeast(node.v);
  }

  function children(node) {
    const out = [];
    if (!node || !node.c) return out;
    for (const k of Object.keys(node.c)) if (available(node.c[k])) out.push(k);
    return out;
  }

  // ---- stubs for what the emulator lacks ------------------------------------------------
  const warned = new Set();
  function warnOnce(label) {
    if (warned.has(label)) return;
    warned.add(label);
    host.console.warn(label + ' is not supported by the emulator');
  }
  host.warnUnsupported = warnOnce;

  function hasCallbacks(o) {
    return o !== null && typeof o === 'object' &&
      (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function');
  }

  // The documented shape of a sync API's result, empty: `return(a b)` -> {a: null, b: null}.
  function emptyShape(node) {
    const ret = node.c && node.c.return;
    if (!ret) return undefined;
    const out = {};
    for (const k of children(ret)) out[k] = null;
    return out;
  }

  // An object of class `cls` whose methods warn once and fail cleanly; chainable, so
  // `ctx.setFillStyle(…).fillRect(…)`-style code runs on.
  function stubObject(cls, label) {
    const obj = {};
    for (const m of children(table.classes[cls])) {
      const name = label + '.' + m;
      if (/^(on|off)[A-Z]/.test(m)) {
        obj[m] = function () { warnOnce(name); };
        continue;
      }
      obj[m] = function (o) {
        warnOnce(name);
        if (hasCallbacks(o)) host.fail(m, o, host.ERR_FAILED, 'not supported by the emulator');
        return obj;
      };
    }
    return obj;
  }

  function stubApi(path, node) {
    const label = 'swan.' + path;
    switch (node.k) {
      case 'sync':
        return function () { warnOnce(label); return emptyShape(node); };
      case 'listener':
        return function () { warnOnce(label); };
      case 'factory':
        return function () { warnOnce(label); return stubObject(node.r, label + '()'); };
      default:  // async, task
        return function (o) {
          warnOnce(label);
          host.fail(path, o, host.ERR_FAILED, 'not supported by the emulator');
          return node.k === 'task' ? stubObject(node.r, label + '()') : undefined;
        };
    }
  }

  // `apis` holds the table's nodes, `real` the implementations (impl or impl.ai).
  function fill(target, apis, real, prefix) {
    for (const name of Object.keys(apis)) {
      const node = apis[name];
      if (!available(node)) continue;
      if (node.k === 'namespace') {
        target[name] = fill({}, node.c || {}, real[name] || {}, prefix + name + '.');
      } else {
        target[name] = typeof real[name] === 'function' ? real[name] : stubApi(prefix + name, node);
      }
    }
    return target;
  }

  function implemented(path) {
    let v = impl;
    for (const part of path) v = v === null || v === undefined ? undefined : v[part];
    return typeof v === 'function';
  }

  // ---- canIUse [api/device_sys/swan-canIUse.md] ------------------------------------------
  // `${API}.${method}.${param}.${option}`, `${class}.${method}…`, `${component}.${attr}…`;
  // any prefix is valid. True only for what exists in the emulated base library and works
  // here. Option values may hold dots (`authorize.object.scope.scope.userInfo`).
  function canIUse(schema) {
    if (typeof schema !== 'string') throw new Error('canIUse: schema must be a string');
    const parts = schema.split('.');
    if (parts.some(function (p) { return p === ''; })) return false;
    const first = parts[0];
    let node;
    let i = 1;
    if (hasOwn.call(table.apis, first)) {
      node = table.apis[first];
      if (node.k === 'namespace' && parts.length === 1) {
        if (!Object.keys(node.c || {}).some(function (k) { return implemented([first, k]); })) return false;
      } else if (node.k === 'namespace') {
        if (!available(node) || !node.c || !hasOwn.call(node.c, parts[1])) return false;
        if (!implemented([first, parts[1]])) return false;
        node = node.c[parts[1]];
        i = 2;
      } else if (node.k !== 'namespace' && !implemented([first])) {
        return false;
      }
    } else if (hasOwn.call(table.classes, first)) {
      const members = implementedClasses.get(first);
      if (!members || (parts.length > 1 && !members.has(parts[1]))) return false;
      node = table.classes[first];
    } else if (hasOwn.call(table.components, first)) {
      node = table.components[first];
    } else if (hasOwn.call(table.features, first)) {
      node = table.features[first];
    } else {
      return false;
    }
    if (!available(node)) return false;
    while (i < parts.length) {
      const kids = node.c;
      if (!kids) return false;
      let found = null;
      for (let j = parts.length; j > i && !found; j--) {
        const key = parts.slice(i, j).join('.');
        if (hasOwn.call(kids, key)) { found = kids[key]; i = j; }
      }
      if (!found || !available(found)) return false;
      node = found;
    }
    const gate = host.versionGates[schema];
    return gate === undefined || host.baseAtLeast(gate);
  }
  impl.canIUse = canIUse;

  host.onInit.push(function (p) {
    if (p.surface) table = p.surface;
    host.implementClass('FileSystemManager', Object.keys(impl.getFileSystemManager()));
    const swan = fill({}, table.apis, impl, '');
    swan.env = impl.env;
    global.swan = swan;
  });

  // A plugin's (or dynamic library's) API is its own, unknown here: any method name
  // answers, and fails cleanly.
  function external(kind, name) {
    const label = kind + '(' + JSON.stringify(name) + ')';
    warnOnce(label);
    const methods = Object.create(null);
    return new Proxy({}, {
      get: function (target, key) {
        if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
        if (key in target) return target[key];
        if (!methods[key]) {
          methods[key] = function (o) {
            warnOnce(label + '.' + key);
            if (hasCallbacks(o)) host.fail(key, o, host.ERR_FAILED, 'not supported by the emulator');
          };
        }
        return methods[key];
      },
    });
  }
  global.requirePlugin = function (name) { return external('requirePlugin', name); };
  global.requireDynamicLib = function (name) { return external('requireDynamicLib', name); };
})(globalThis, globalThis.__swan_host__);

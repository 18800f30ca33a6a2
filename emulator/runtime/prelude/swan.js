// Host basics of the `swan` object (storage, system info, network type, UI), answered from
// state kept on this side: sync APIs must not wait for Python. Every prelude file adds its
// APIs to `host.swan`; surface.js then builds the app's `swan` object from the platform's
// API table.
(function (global, host) {
  'use strict';

  const ERR_ARGS = 904;
  const ERR_FAILED = 1001;
  host.ERR_ARGS = ERR_ARGS;
  host.ERR_FAILED = ERR_FAILED;

  const $ = host.intrinsic;
  const impl = {};
  host.swan = impl;
  const state = {
    systemInfo: {},
    storage: Object.create(null),
    storageBytes: 0,
    storageLimitBytes: 10 * 1024 * 1024,
    networkType: 'wifi',
    baseVersion: '0.0.0',
    supported: [],
  };
  host.state = state;

  host.entries.init = function (p) {
    state.systemInfo = p.systemInfo || {};
    state.baseVersion = p.baseVersion || state.baseVersion;
    versionAnswers = new Map();  // (init runs before the app's code)
    state.networkType = p.networkType || state.networkType;
    state.storage = Object.create(null);
    state.storageBytes = 0;
    const stored = p.storage || {};
    for (const k of Object.keys(stored)) {
      state.storage[k] = stored[k];
      state.storageBytes += entrySize(k, stored[k]);
    }
    if (p.storageLimitBytes) state.storageLimitBytes = p.storageLimitBytes;
    impl.env = Object.freeze({ USER_DATA_PATH: p.userDataPath || 'bdfile://usr' });
    if (host.onInit) for (const fn of host.onInit) fn(p);
  };
  host.onInit = [];

  function clone(v) {
    return v === undefined ? undefined : host.intrinsic.parse(host.stringify(v));
  }

  function entrySize(key, value) {
    const text = host.stringify(value);
    return key.length + (text === undefined ? 0 : text.length);
  }

  host.compareVersions = function (a, b) {
    const pa = String(a).split('.').map(Number);
    const pb = String(b).split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] || 0) - (pb[i] || 0);
      if (d) return d < 0 ? -1 : 1;
    }
    return 0;
  };

  // Whether the app's base library is `version` or later. APIs ask it per call (which
  // behaviour a request gets), so each answer is kept until init sets the base version.
  let versionAnswers = new Map();
  host.baseAtLeast = function (version) {
    let answer = $.mapGet(versionAnswers, version);
    if (answer === undefined) {
      answer = host.compareVersions(state.baseVersion, version) >= 0;
      $.mapSet(versionAnswers, version, answer);
    }
    return answer;
  };

  // canIUse schema -> lowest base library version that has it, beyond the API table
  // (socket.js: several SocketTasks from 1.9.4).
  host.versionGates = Object.create(null);

  // Classes of objects the emulator really makes (SocketTask, Animation…) -> their members;
  // canIUse answers false for the platform's other classes and members.
  host.implementedClasses = new Map();
  host.implementClass = function (name, members) {
    host.implementedClasses.set(name, new Set(members));
  };

  // ---- storage ------------------------------------------------------------------------
  // Returns an error reason, or null after storing.
  function storageSet(key, data) {
    if (typeof key !== 'string' || key === '') return 'parameter error: key must be a non-empty string';
    if (typeof data === 'function') return 'parameter error: data must be serializable';
    let value;
    try { value = clone(data); } catch (e) { return 'parameter error: data must be serializable (' + e.message + ')'; }
    const old = key in state.storage ? entrySize(key, state.storage[key]) : 0;
    const size = entrySize(key, value);
    if (state.storageBytes - old + size > state.storageLimitBytes) {
      return 'exceed storage max size ' + (state.storageLimitBytes / 1024 / 1024) + 'MB';
    }
    state.storage[key] = value;
    state.storageBytes += size - old;
    host.post('storage.set', 0, { key: key, data: value === undefined ? null : value });
    return null;
  }

  function storageRemove(key) {
    if (typeof key !== 'string') return 'parameter error: key must be a string';
    if (key in state.storage) {
      state.storageBytes -= entrySize(key, state.storage[key]);
      delete state.storage[key];
      host.post('storage.remove', 0, { key: key });
    }
    return null;
  }

  function storageClear() {
    state.storage = Object.create(null);
    state.storageBytes = 0;
    host.post('storage.clear', 0, null);
  }

  function storageInfo() {
    return {
      keys: host.intrinsic.keys(state.storage),
      currentSize: Math.ceil(state.storageBytes / 1024),
      limitSize: Math.ceil(state.storageLimitBytes / 1024),
    };
  }

  // A failing sync API does not throw: from base library 3.140.1 it returns an Error
  // (check with instanceof Error), before that nothing [api/storage/save_swan-
  // getStorageSync.md]. Either way the console says so.
  const SYNC_ERROR_SINCE = '3.140.1';
  host.syncFail = function (api, reason) {
    const err = new Error(api + ':fail ' + reason);
    host.console.warn('swan.' + api + ' failed: ' + err.message);
    return host.baseAtLeast(SYNC_ERROR_SINCE) ? err : undefined;
  };

  impl.setStorageSync = function (key, data) {
    const err = storageSet(key, data);
    return err ? host.syncFail('setStorageSync', err) : undefined;
  };
  impl.getStorageSync = function (key) {
    if (typeof key !== 'string') return host.syncFail('getStorageSync', 'parameter error: key must be a string');
    return key in state.storage ? clone(state.storage[key]) : '';
  };
  impl.removeStorageSync = function (key) {
    const err = storageRemove(key);
    return err ? host.syncFail('removeStorageSync', err) : undefined;
  };
  impl.clearStorageSync = function () { storageClear(); };
  impl.getStorageInfoSync = function () { return storageInfo(); };

  impl.setStorage = function (o) {
    o = host.options(o);
    const err = storageSet(o.key, o.data);
    if (err) host.fail('setStorage', o, err.startsWith('parameter') ? ERR_ARGS : ERR_FAILED, err);
    else host.succeed('setStorage', o);
  };
  impl.getStorage = function (o) {
    o = host.options(o);
    if (typeof o.key !== 'string') return host.fail('getStorage', o, ERR_ARGS, 'parameter error: key must be a string');
    if (!(o.key in state.storage)) return host.fail('getStorage', o, ERR_FAILED, 'data not found');
    host.succeed('getStorage', o, { data: clone(state.storage[o.key]) });
  };
  impl.removeStorage = function (o) {
    o = host.options(o);
    const err = storageRemove(o.key);
    if (err) host.fail('removeStorage', o, ERR_ARGS, err);
    else host.succeed('removeStorage', o);
  };
  impl.clearStorage = function (o) {
    storageClear();
    host.succeed('clearStorage', o);
  };
  impl.getStorageInfo = function (o) { host.succeed('getStorageInfo', o, storageInfo()); };

  // ---- system -----------------------------------------------------------------------
  impl.getSystemInfoSync = function () { return clone(state.systemInfo); };
  impl.getSystemInfo = function (o) { host.succeed('getSystemInfo', o, clone(state.systemInfo)); };

  impl.getNetworkType = function (o) { host.succeed('getNetworkType', o, { networkType: state.networkType }); };
  impl.onNetworkStatusChange = function (fn) { host.listen('networkStatusChange', fn); };
  impl.offNetworkStatusChange = function (fn) { host.unlisten('networkStatusChange', fn); };
  host.onEmit.networkStatusChange = function (p) { state.networkType = p.networkType; };

  // ---- UI: answered by the host (headless prints, GUI shows) ----------------------
  function uiCall(api, validate) {
    return function (o) {
      o = host.options(o);
      const err = validate ? validate(o) : null;
      if (err) return host.fail(api, o, ERR_ARGS, err);
      const args = {};
      const keys = host.intrinsic.keys(o);
      for (let i = 0; i < keys.length; i++) {
        if (typeof o[keys[i]] !== 'function') args[keys[i]] = o[keys[i]];
      }
      host.invoke(api, o, 'ui', { kind: api, options: args });
    };
  }
  host.uiCall = uiCall;
  impl.showToast = uiCall('showToast', function (o) {
    return typeof o.title === 'string' ? null : 'parameter error: title must be a string';
  });
  impl.hideToast = uiCall('hideToast');
  impl.showLoading = uiCall('showLoading', function (o) {
    return typeof o.title === 'string' ? null : 'parameter error: title must be a string';
  });
  impl.hideLoading = uiCall('hideLoading');
  impl.showModal = uiCall('showModal');
  impl.showActionSheet = uiCall('showActionSheet', function (o) {
    return Array.isArray(o.itemList) && o.itemList.length > 0 && o.itemList.length <= 6
      ? null : 'parameter error: itemList must be an array of 1 to 6 strings';
  });
  impl.setNavigationBarTitle = uiCall('setNavigationBarTitle', function (o) {
    return typeof o.title === 'string' ? null : 'parameter error: title must be a string';
  });
})(globalThis, globalThis.__swan_host__);

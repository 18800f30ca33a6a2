// An instance's data: setData and getData (every page and component has them), data
// paths ('a.b[2].c'), deep copies, and the snapshots payloads to the host are made of.
(function (global, host) {
  'use strict';

  // ---- data -------------------------------------------------------------------------
  function deepClone(v) {
    if (Array.isArray(v)) return v.map(deepClone);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out = {};
      for (const k of Object.keys(v)) out[k] = deepClone(v[k]);
      return out;
    }
    return v;
  }

  const regexExec = Function.prototype.call.bind(RegExp.prototype.exec);

  // 'a.b[2].c' -> ['a', 'b', 2, 'c']
  function parsePath(path) {
    const keys = [];
    const re = /([^.[\]]+)|\[(\d+)\]/g;
    let m;
    while ((m = regexExec(re, path)) !== null) host.intrinsic.push(keys, m[2] !== undefined ? host.intrinsic.Number(m[2]) : m[1]);
    return keys;
  }

  function setPath(root, path, value) {
    const keys = parsePath(path);
    if (keys.length === 0) return;
    let node = root;
    for (let i = 0; i < keys.length - 1; i++) {
      const k = keys[i];
      if (node[k] === null || typeof node[k] !== 'object') node[k] = typeof keys[i + 1] === 'number' ? [] : {};
      node = node[k];
    }
    node[keys[keys.length - 1]] = value;
  }

  function getPath(root, path) {
    let node = root;
    const keys = parsePath(path);
    for (let i = 0; i < keys.length; i++) {
      if (node === null || node === undefined) return undefined;
      node = node[keys[i]];
    }
    return node;
  }

  const $ = host.intrinsic;

  function snapshot(v) {
    try { return $.parse(host.stringify(v === undefined ? null : v)); } catch (e) { return $.String(v); }
  }

  // setData payloads as they cross to the view [view-layer.md: the devtools audit flags
  // above 256 KB]: one warning per page past that; past MAX_SETDATA_BYTES the payload is
  // not sent to the host at all (this.data still changes), so no app can hand the host a
  // payload of any size.
  const AUDIT_SETDATA_BYTES = 256 * 1024;
  const MAX_SETDATA_BYTES = 8 * 1024 * 1024;
  const auditWarned = new Set();

  const dataMethods = {
    setData: function (data, value, callback) {
      let changes = data;
      let cb = value;
      if (typeof data === 'string') { changes = {}; changes[data] = value; cb = callback; }
      if (changes === null || typeof changes !== 'object') {
        host.console.error('setData expects an object');
        return;
      }
      const keys = $.keys(changes);
      // A component's property observers get (newVal, oldVal): the old values first.
      const before = this.__hooks__ ? host.framework.propertyValues(this, keys) : null;
      for (let i = 0; i < keys.length; i++) setPath(this.data, keys[i], changes[keys[i]]);
      const route = this.route || this.is;
      let text;
      try { text = host.stringify(changes); } catch (e) { text = null; }
      const size = text === null || text === undefined ? 0 : text.length;
      if (size > MAX_SETDATA_BYTES) {
        host.console.error('setData on ' + route + ': the payload is ' + (size / 1048576).toFixed(1) +
          ' MB, over the emulator\'s ' + (MAX_SETDATA_BYTES / 1048576) + ' MB cap; this.data changed but the view was not sent it');
      } else {
        if (size > AUDIT_SETDATA_BYTES && !auditWarned.has(route)) {
          auditWarned.add(route);
          host.console.warn('setData on ' + route + ' sent ' + Math.round(size / 1024) +
            ' KB at once; the devtools audit flags more than 256 KB per call');
        }
        host.post('page.setData', this.__id__, { route: route, changes: text ? $.parse(text) : snapshot(changes), size: size });
      }
      if (before) host.framework.observe(this, keys, before);
      if (typeof cb === 'function') {
        const self = this;
        host.later(function () { host.callUser(cb, self, [], 'setData callback'); });
      }
    },
    getData: function (path) {
      return path === undefined ? this.data : getPath(this.data, String(path));
    },
  };

  // What instances.js, pages.js, app.js and components.js need of the data.
  Object.assign(host.framework, {
    dataMethods: dataMethods, deepClone: deepClone, setPath: setPath, getPath: getPath,
    snapshot: snapshot,
  });
})(globalThis, globalThis.__swan_host__);

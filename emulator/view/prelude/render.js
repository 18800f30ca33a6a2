// The view context's runtime: what compiled templates call while they render.
//
// This context holds no app code: only compiled templates (and, later, filter and sjs
// modules). A render function runs `with` a scope whose every name resolves into the
// page's data (a missing name is undefined, never the global object), as template
// expressions see only data, template variables and filter/sjs modules.
(function (global) {
  var $r = {};
  Object.defineProperty(global, '__view', { value: $r });

  var templates = Object.create(null);   // file -> {render, names: {name -> fn}}
  $r.templates = templates;

  var hasOwn = Object.prototype.hasOwnProperty;
  var pinTags = null, pins = 0;  // see renderStore

  // A scope: the names of `vars` first, then those of `parent`, else undefined.
  function scope(vars, parent) {
    return new Proxy(vars, {
      // Every name is the scope's, except the generated code's own (__v_…).
      has: function (target, key) { return typeof key === 'string' && key.slice(0, 4) !== '__v_'; },
      get: function (target, key) {
        if (key === Symbol.unscopables) return undefined;
        if (hasOwn.call(target, key)) return target[key];
        return parent ? parent[key] : undefined;
      },
    });
  }
  $r.scope = function (data) { return scope(data && typeof data === 'object' ? data : {}, null); };
  $r.child = function (parent, vars) { return scope(vars, parent); };

  // Text of a value in a template: undefined and null render as nothing (San's way).
  $r.str = function (v) {
    if (v === undefined || v === null) return '';
    if (typeof v === 'object') { try { return JSON.stringify(v); } catch (e) { return String(v); } }
    return String(v);
  };

  $r.el = function (tag, attrs, children, events, key, pos, models) {
    if (pinTags !== null && pinTags[tag] === true) pins++;
    var node = { t: tag, a: attrs, c: children };
    if (events) node.e = events;
    if (models) node.m = models;
    if (key !== undefined) node.k = key;
    if (pos) node.p = pos;
    return node;
  };
  $r.tx = function (text) { return { x: text }; };

  // s-for over an array, an object (its values, keys as index) or a number (0..n-1).
  $r.each = function (list, fn) {
    if (list === undefined || list === null) return;
    if (typeof list === 'number') {
      for (var n = 0; n < list; n++) fn(n, n);
    } else if (Array.isArray(list) || typeof list === 'string') {
      for (var i = 0; i < list.length; i++) fn(list[i], i);
    } else if (typeof list === 'object') {
      var keys = Object.keys(list);
      for (var j = 0; j < keys.length; j++) fn(list[keys[j]], keys[j]);
    }
  };

  // A <template is="name">: looked up in the file's own and imported definitions.
  $r.tpl = function (file, name) {
    var t = templates[file];
    var fn = t && t.names[name];
    if (!fn) throw new Error('template "' + name + '" is not defined or imported in ' + file);
    return fn;
  };

  $r.define = function (file, render, names, imports) {
    templates[file] = { render: render, names: names, imports: imports || [] };
  };

  // Makes the names of imported files visible (transitively, as swan does).
  $r.link = function (file) {
    var seen = Object.create(null);
    var t = templates[file];
    (function add(f) {
      if (seen[f]) return;
      seen[f] = true;
      var other = templates[f];
      if (!other) return;
      for (var n in other.names) if (!hasOwn.call(t.names, n)) t.names[n] = other.names[n];
      for (var i = 0; i < other.imports.length; i++) add(other.imports[i]);
    })(file);
  };

  // Filter and sjs modules: defined once per path, run lazily on first use, singletons;
  // `require` between sjs files resolves relative to the requiring file.
  var moduleDefs = Object.create(null);
  var moduleCache = Object.create(null);
  $r.defineModule = function (path, factory) { moduleDefs[path] = factory; delete moduleCache[path]; };
  function dirname(p) { var i = p.lastIndexOf('/'); return i < 0 ? '' : p.slice(0, i); }
  function join(base, rel) {
    var out = base ? base.split('/') : [];
    rel.split('/').forEach(function (part) {
      if (part === '..') out.pop(); else if (part && part !== '.') out.push(part);
    });
    return out.join('/');
  }
  function load(path) {
    if (path in moduleCache) return moduleCache[path];
    var factory = moduleDefs[path];
    if (!factory) throw new Error('module ' + path + ' is not defined');
    var module = { exports: {} };
    moduleCache[path] = module.exports;
    factory(module, module.exports, function (spec) {
      return load(spec[0] === '/' ? spec.slice(1) : join(dirname(path), spec));
    });
    moduleCache[path] = module.exports;
    return module.exports;
  }
  // The module names of a template, as scope variables (read lazily).
  $r.modules = function (names) {
    var vars = {};
    Object.keys(names).forEach(function (name) {
      Object.defineProperty(vars, name, { enumerable: true, get: function () { return load(names[name]); } });
    });
    return vars;
  };

  // Whether `source` is one JS expression: null, or the syntax error.
  $r.check = function (source) {
    try {
      new Function('return (' + source + '\n);');
      return null;
    } catch (e) {
      return String(e && e.message || e);
    }
  };

  // Renders a template file with the data (JSON text); returns the node list as JSON.
  // No memo: every node is rendered (the from-scratch result).
  $r.render = function (file, dataJson) {
    var t = templates[file];
    if (!t) throw new Error('no template ' + file);
    var data = dataJson ? JSON.parse(dataJson) : {};
    return JSON.stringify(t.render($r.scope(data)));
  };

  // ---- incremental rendering  ------------------------------
  // Each page / component instance ("store") keeps its data here, changed by setData key
  // paths copy-on-write: a change to list[5].title makes a new root, a new list and a new
  // list[5]; every other row keeps its identity. Each render keeps a memo (frames of
  // entries by template site); an s-for item whose value (identity, else deep equality),
  // index (when the body reads it) and outer names read by the body are unchanged, an
  // element outside loops whose names are unchanged, a <template is> with the same
  // template and data, renders as stubs {same: u} naming the nodes (by their u) it gave
  // before, which the tree keeps as they are (emulator/view/tree.py).
  var stores = Object.create(null);  // key -> {data, memo: {t, frame} | null}
  var memoBase = 0, memoCount = 0;
  // Frames: site -> entry (or loop record), dictionaries (QuickJS's Map is slower).
  var prevFrame = null, nextFrame = null;

  $r.init = function (base) { memoBase = base; };

  var PATH = /([^.[\]]+)|\[(\d+)\]/g;
  function isContainer(v) { return v !== null && typeof v === 'object'; }
  function getKey(node, key) {
    if (Array.isArray(node)) return typeof key === 'number' && key < node.length ? node[key] : null;
    if (isContainer(node) && typeof key === 'string' && hasOwn.call(node, key)) return node[key];
    return null;
  }
  function putKey(node, key, value) {
    if (Array.isArray(node)) {
      if (typeof key !== 'number') return;
      while (node.length <= key) node.push(null);
      node[key] = value;
    } else if (isContainer(node)) {
      node[String(key)] = value;
    }
  }
  function copy(v) { return Array.isArray(v) ? v.slice() : Object.assign({}, v); }
  // setData's key path semantics (emulator/view/data_path.py set_path), without touching the old containers.
  function setPath(root, path, value) {
    var keys = [];
    String(path).replace(PATH, function (m, name, idx) {
      keys.push(idx !== undefined ? Number(idx) : name);
      return m;
    });
    if (!keys.length) return root;
    var top = copy(root);
    var node = top;
    for (var i = 0; i < keys.length - 1; i++) {
      var child = getKey(node, keys[i]);
      child = isContainer(child) ? copy(child) : (typeof keys[i + 1] === 'number' ? [] : {});
      putKey(node, keys[i], child);
      node = child;
    }
    putKey(node, keys[keys.length - 1], value);
    return top;
  }

  // Equal JSON values (same key order: a template may print an object).
  function same(a, b) {
    if (a === b) return true;
    if (!isContainer(a) || !isContainer(b)) return false;
    var i;
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
      return true;
    }
    if (Array.isArray(b)) return false;
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i] || !same(a[ka[i]], b[kb[i]])) return false;
    }
    return true;
  }
  function sameDeps(a, b) {
    if (a === null || b === null || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // The values of `names` in `scope` (what a memo depends on); null: unknown, never reuse.
  $r.deps = function (scope, names) {
    if (names === null) return null;
    var out = new Array(names.length);
    for (var i = 0; i < names.length; i++) out[i] = scope[names[i]];
    return out;
  };

  // Runs render(nodes) with `prev` as the previous frame of its nested memos: an entry.
  function run(prev, render, out) {
    var saveP = prevFrame, saveN = nextFrame, savePins = pins;
    var nodes = [];
    prevFrame = prev;
    nextFrame = Object.create(null);
    var frame;
    try { render(nodes); } finally { frame = nextFrame; prevFrame = saveP; nextFrame = saveN; }
    var us = new Array(nodes.length);
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      us[i] = n.same !== undefined ? n.same : (n.u !== undefined ? n.u : (n.u = memoBase + (++memoCount)));
      out.push(n);
    }
    return { us: us, frame: frame, pinned: pins !== savePins, deps: null, item: undefined,
             index: undefined, key: undefined };
  }
  function stubs(entry, out) {
    for (var i = 0; i < entry.us.length; i++) out.push({ same: entry.us[i] });
  }

  // An element (or template use) that renders the same while `deps` are the same.
  $r.memo = function (site, deps, render, out) {
    if (nextFrame === null) { render(out); return; }
    if (nextFrame[site] !== undefined) { run(null, render, out); return; }  // a second use: fresh
    var old = prevFrame !== null ? prevFrame[site] : undefined;
    if (old !== undefined && !old.pinned && sameDeps(old.deps, deps)) {
      nextFrame[site] = old;
      stubs(old, out);
      return;
    }
    var entry = run(old !== undefined ? old.frame : null, render, out);
    entry.deps = deps;
    nextFrame[site] = entry;
  };

  // s-for with a memo per item (keyed by trackBy key, else index).
  $r.loop = function (site, list, outer, usesIndex, body, keyOf, out) {
    if (nextFrame === null) {
      $r.each(list, function (item, index) { body(item, index, out); });
      return;
    }
    var collided = nextFrame[site] !== undefined;
    var old = collided || prevFrame === null ? undefined : prevFrame[site];
    var valid = old !== undefined && sameDeps(old.outer, outer);
    var items = Object.create(null);  // key -> entry (entry.key tells 1 from "1")
    $r.each(list, function (item, index) {
      var key = keyOf !== null ? keyOf(item, index) : index;
      var fresh = collided || isContainer(key) || items[key] !== undefined;
      var e = valid && !fresh ? old.items[key] : undefined;
      if (e !== undefined && e.key === key && !e.pinned && (!usesIndex || e.index === index) &&
          same(e.item, item)) {
        e.item = item;
        e.index = index;
        items[key] = e;
        stubs(e, out);
        return;
      }
      var render = function (nodes) { body(item, index, nodes); };
      if (fresh) { run(null, render, out); return; }
      var entry = run(e !== undefined ? e.frame : null, render, out);
      entry.item = item;
      entry.index = index;
      entry.key = key;
      items[key] = entry;
    });
    if (!collided) nextFrame[site] = { outer: outer, items: items };
  };

  // <template is="name" data="...">: memoized on the template and its data's fields.
  $r.use = function (site, file, name, data, out) {
    var fn = $r.tpl(file, name);
    var deps = [fn];
    if (isContainer(data)) {
      var keys = Object.keys(data);
      for (var i = 0; i < keys.length; i++) deps.push(keys[i], data[keys[i]]);
    } else {
      deps.push(data);
    }
    $r.memo(site, deps, function (nodes) { nodes.push.apply(nodes, fn($r.scope(data))); }, out);
  };

  // Renders `file` for the store `key`: full data (JSON; null: keep) and/or changes
  // (JSON [[path, value], ...], in order) applied first; `pin`: tag names (JSON list)
  // whose renders are never stubbed (custom components, slots: expanded in Python).
  $r.renderStore = function (file, key, fullJson, changesJson, pinJson) {
    var t = templates[file];
    if (!t) throw new Error('no template ' + file);
    var s = stores[key];
    if (s === undefined) s = stores[key] = { data: {}, memo: null };
    if (fullJson !== null) {
      var full = JSON.parse(fullJson);
      s.data = isContainer(full) && !Array.isArray(full) ? full : {};
    }
    if (changesJson !== null) {
      var changes = JSON.parse(changesJson);
      for (var i = 0; i < changes.length; i++) s.data = setPath(s.data, changes[i][0], changes[i][1]);
    }
    var tags = JSON.parse(pinJson);
    pinTags = Object.create(null);
    for (var j = 0; j < tags.length; j++) pinTags[tags[j]] = true;
    prevFrame = s.memo !== null && s.memo.t === t ? s.memo.frame : null;
    nextFrame = Object.create(null);
    pins = 0;
    try {
      var nodes = t.render($r.scope(s.data));
      s.memo = { t: t, frame: nextFrame };
      return JSON.stringify(nodes);
    } finally {
      prevFrame = null;
      nextFrame = null;
      pinTags = null;
    }
  };
  // Forget a store's memo (its next render is from scratch) or the whole store.
  $r.forgetMemo = function (key) { if (stores[key] !== undefined) stores[key].memo = null; };
  $r.dropStore = function (key) { delete stores[key]; };
  $r.storeData = function (key) { return JSON.stringify(stores[key] ? stores[key].data : null); };
})(globalThis);

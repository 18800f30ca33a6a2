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
  $r.render = function (file, dataJson) {
    var t = templates[file];
    if (!t) throw new Error('no template ' + file);
    var data = dataJson ? JSON.parse(dataJson) : {};
    return JSON.stringify(t.render($r.scope(data)));
  };
})(globalThis);

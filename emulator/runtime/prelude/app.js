// The mini-program framework: App, Page, Component, the page stack and navigation.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const MAX_STACK = 10;
  const config = { pages: [], tabBar: [], components: {}, entry: '' };
  host.onInit.push(function (p) {
    config.pages = p.pages || [];
    config.tabBar = p.tabBar || [];
    config.components = p.components || {};
    config.entry = p.entry || config.pages[0] || '';
  });

  let app;               // the object given to App()
  let defining = null;   // {path, def} while a page or component file runs
  const definitions = new Map(); // module path -> {kind, options}
  const stack = [];
  const tabPages = new Map(); // route -> live tab page instance
  let nextInstanceId = 1;

  // ---- registration -------------------------------------------------------------------
  global.App = function (options) {
    if (options === null || typeof options !== 'object') throw new TypeError('App() expects an object');
    if (app) { console.warn('App() was called more than once; the first call is kept'); return; }
    app = options;
    if (!('globalData' in app)) app.globalData = {};
  };
  global.getApp = function () { return app; };
  global.getCurrentPages = function () { return stack.slice(); };

  function register(kind, options) {
    if (!defining) {
      console.warn(kind + '() was called outside a page or component file; ignored');
      return;
    }
    if (defining.def) console.warn(kind + '() was called twice in ' + defining.path + '.js; the first call is kept');
    else defining.def = { kind: kind, options: options !== null && typeof options === 'object' ? options : {} };
  }
  global.Page = function (options) { register('Page', options); };
  global.Component = function (options) { register('Component', options); };
  global.Behavior = function (options) { return options !== null && typeof options === 'object' ? options : {}; };

  // Runs the JS file of a page or component once and returns what it registered.
  function definition(path, role) {
    const known = definitions.get(path);
    if (known) return known;
    const file = path + '.js';
    if (!host.hasModule(file)) throw new Error(role + ' file not found: ' + file);
    const outer = defining;
    defining = { path: path, def: null };
    try {
      host.load(file);
      if (!defining.def) {
        throw new Error(file + ' did not call ' + (role === 'page' ? 'Page()' : 'Component()'));
      }
      definitions.set(path, defining.def);
      return defining.def;
    } finally {
      defining = outer;
    }
  }

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

  // 'a.b[2].c' -> ['a', 'b', 2, 'c']
  function parsePath(path) {
    const keys = [];
    const re = /([^.[\]]+)|\[(\d+)\]/g;
    let m;
    while ((m = re.exec(path)) !== null) keys.push(m[2] !== undefined ? Number(m[2]) : m[1]);
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
    for (const k of parsePath(path)) {
      if (node === null || node === undefined) return undefined;
      node = node[k];
    }
    return node;
  }

  function snapshot(v) {
    try { return JSON.parse(JSON.stringify(v === undefined ? null : v)); } catch (e) { return String(v); }
  }

  const dataMethods = {
    setData: function (data, value, callback) {
      let changes = data;
      let cb = value;
      if (typeof data === 'string') { changes = {}; changes[data] = value; cb = callback; }
      if (changes === null || typeof changes !== 'object') {
        console.error('setData expects an object');
        return;
      }
      for (const k of Object.keys(changes)) setPath(this.data, k, changes[k]);
      host.post('page.setData', this.__id__, { route: this.route || this.is, changes: snapshot(changes) });
      if (typeof cb === 'function') {
        const self = this;
        host.later(function () { host.callUser(cb, self, [], 'setData callback'); });
      }
    },
    getData: function (path) {
      return path === undefined ? this.data : getPath(this.data, String(path));
    },
  };

  function callHook(target, name, args, where) {
    if (target && typeof target[name] === 'function') {
      host.callUser(target[name], target, args, name + ' of ' + where);
    }
  }

  // ---- components ---------------------------------------------------------------------
  const TYPE_DEFAULTS = new Map([[String, ''], [Number, 0], [Boolean, false], [Array, []], [Object, null]]);

  function propertyDefault(p) {
    if (typeof p === 'function') return deepClone(TYPE_DEFAULTS.get(p));
    if (p && typeof p === 'object') {
      if ('value' in p) return deepClone(p.value);
      return deepClone(TYPE_DEFAULTS.get(p.type));
    }
    return null;
  }

  // Behaviors first, the component's own options last (they win).
  function flatten(options) {
    const merged = { data: {}, properties: {}, methods: {}, hooks: {}, pageHooks: {} };
    const add = function (o) {
      for (const b of Array.isArray(o.behaviors) ? o.behaviors : []) if (b && typeof b === 'object') add(b);
      Object.assign(merged.properties, o.properties || {});
      Object.assign(merged.data, deepClone(o.data || {}));
      Object.assign(merged.methods, o.methods || {});
      const life = Object.assign({}, o, o.lifetimes || {});
      for (const h of ['created', 'attached', 'ready', 'moved', 'detached']) {
        if (typeof life[h] === 'function') (merged.hooks[h] = merged.hooks[h] || []).push(life[h]);
      }
      const pl = o.pageLifetimes || {};
      for (const h of ['show', 'hide', 'resize']) {
        if (typeof pl[h] === 'function') (merged.pageHooks[h] = merged.pageHooks[h] || []).push(pl[h]);
      }
    };
    add(options);
    return merged;
  }

  function createComponent(path, name, page) {
    const def = definition(path, 'component');
    const m = flatten(def.options);
    const inst = Object.create(dataMethods);
    const data = {};
    for (const k of Object.keys(m.properties)) data[k] = propertyDefault(m.properties[k]);
    Object.assign(data, m.data);
    Object.defineProperty(inst, '__id__', { value: nextInstanceId++ });
    Object.defineProperty(inst, '__hooks__', { value: m });
    inst.is = path;
    inst.id = name;
    inst.data = data;
    inst.properties = data;
    inst.pageInstance = page;
    Object.assign(inst, m.methods);
    inst.triggerEvent = function () {};
    inst.selectComponent = function () { return null; };
    inst.selectAllComponents = function () { return []; };
    return inst;
  }

  function componentHook(inst, name, args) {
    for (const fn of inst.__hooks__.hooks[name] || []) host.callUser(fn, inst, args || [], name + ' of component ' + inst.is);
  }

  function componentPageHook(inst, name) {
    for (const fn of inst.__hooks__.pageHooks[name] || []) host.callUser(fn, inst, [], 'pageLifetimes.' + name + ' of component ' + inst.is);
  }

  // ---- pages ------------------------------------------------------------------------
  function createPage(route, query) {
    const def = definition(route, 'page');
    const page = Object.create(dataMethods);
    let data;
    if (def.kind === 'Page') {
      for (const k of Object.keys(def.options)) if (k !== 'data') page[k] = def.options[k];
      data = deepClone(def.options.data || {});
    } else {
      // A page built with Component(): its methods hold the page hooks.
      const m = flatten(def.options);
      Object.assign(page, m.methods);
      data = m.data;
      for (const k of Object.keys(m.properties)) if (!(k in data)) data[k] = propertyDefault(m.properties[k]);
    }
    Object.defineProperty(page, '__id__', { value: nextInstanceId++ });
    page.route = route;
    page.options = query;
    page.data = data;
    page.selectComponent = function () { return null; };
    page.selectAllComponents = function () { return []; };
    const comps = [];
    for (const c of config.components[route] || []) {
      try {
        comps.push(createComponent(c.path, c.name, page));
      } catch (e) {
        host.reportError(e, 'component ' + c.path + ' of ' + route);
      }
    }
    Object.defineProperty(page, '__components__', { value: comps });
    const methods = [];
    for (const k of Object.keys(page)) if (typeof page[k] === 'function' && k !== 'selectComponent' && k !== 'selectAllComponents') methods.push(k);
    host.post('page.created', page.__id__, { route: route, query: query, data: snapshot(data), methods: methods });
    return page;
  }

  // Schedules the hook (and the matching component hooks), each as its own step.
  function lifecycle(page, hook, args) {
    const comps = page.__components__;
    const each = function (fn) { for (const c of comps) host.step(function () { fn(c); }, hook + ' of ' + page.route); };
    if (hook === 'onLoad') {
      each(function (c) { componentHook(c, 'created'); });
      each(function (c) { componentHook(c, 'attached'); });
    } else if (hook === 'onReady') {
      each(function (c) { componentHook(c, 'ready'); });
    }
    host.step(function () {
      host.post('page.lifecycle', page.__id__, { route: page.route, hook: hook });
      callHook(page, hook, args || [], page.route);
    }, hook + ' of ' + page.route);
    if (hook === 'onShow' || hook === 'onHide') {
      each(function (c) { componentPageHook(c, hook === 'onShow' ? 'show' : 'hide'); });
    } else if (hook === 'onUnload') {
      each(function (c) { componentHook(c, 'detached'); });
    }
  }

  // Creates the page when its turn comes; it is on the stack before its onLoad runs
  // (getCurrentPages() includes it there).
  function open(route, query, onOpen) {
    host.step(function () {
      const page = createPage(route, query);
      stack.push(page);
      if (onOpen) onOpen(page);
      lifecycle(page, 'onLoad', [query]);
      lifecycle(page, 'onShow');
      lifecycle(page, 'onReady');
    }, 'opening ' + route);
  }

  function openTab(route) {
    open(route, {}, function (page) { tabPages.set(route, page); });
  }

  function unload(page) {
    if (tabPages.get(page.route) === page) tabPages.delete(page.route);
    lifecycle(page, 'onUnload');
  }

  function publishStack() {
    host.post('page.stack', 0, stack.map(function (p) { return { id: p.__id__, route: p.route, query: p.options }; }));
  }

  function top() { return stack[stack.length - 1]; }

  // ---- navigation ---------------------------------------------------------------------
  function parseUrl(url, from) {
    if (typeof url !== 'string' || url === '') return { error: 'parameter error: url must be a non-empty string' };
    const q = url.indexOf('?');
    let path = q >= 0 ? url.slice(0, q) : url;
    const query = {};
    if (q >= 0) {
      for (const pair of url.slice(q + 1).split('&')) {
        if (!pair) continue;
        const eq = pair.indexOf('=');
        if (eq < 0) query[pair] = '';
        else query[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    path = path[0] === '/' ? host.normalize(path) : host.normalize(host.dirname(from || '') + '/' + path);
    if (path === null || config.pages.indexOf(path) < 0) return { error: 'page "' + url + '" is not found in app.json' };
    return { route: path, query: query };
  }

  // An API that changes the stack: runs as a step; its hooks run as the steps after it;
  // then the caller hears success or fail.
  function navigation(api, run) {
    impl[api] = function (o) {
      o = host.options(o);
      const from = top() ? top().route : '';
      host.step(function () {
        let err;
        try {
          err = run(o, from);
        } catch (e) {
          host.reportError(e, 'swan.' + api);
          err = failed(host.errorInfo(e).message);
        }
        host.step(function () {
          publishStack();
          if (err) host.finish(api, o, false, { errCode: err.code, errMsg: api + ':fail ' + err.reason });
          else host.finish(api, o, true, { errMsg: api + ':ok' });
        }, 'swan.' + api);
      }, 'swan.' + api, true);
    };
  }

  function argError(reason) { return { code: host.ERR_ARGS, reason: reason }; }
  function failed(reason) { return { code: host.ERR_FAILED, reason: reason }; }

  // Parses the target and loads its page file, so a broken page fails the call before
  // anything on screen changes.
  function target(o, from) {
    const t = parseUrl(o.url, from);
    if (t.error) return t;
    definition(t.route, 'page');
    return t;
  }

  navigation('navigateTo', function (o, from) {
    const t = target(o, from);
    if (t.error) return argError(t.error);
    if (config.tabBar.indexOf(t.route) >= 0) return failed('can not navigateTo a tabbar page');
    if (stack.length >= MAX_STACK) return failed('page stack limit (' + MAX_STACK + ') exceeded');
    if (top()) lifecycle(top(), 'onHide');
    open(t.route, t.query);
    return null;
  });

  navigation('redirectTo', function (o, from) {
    const t = target(o, from);
    if (t.error) return argError(t.error);
    if (config.tabBar.indexOf(t.route) >= 0) return failed('can not redirectTo a tabbar page');
    if (stack.length) unload(stack.pop());
    open(t.route, t.query);
    return null;
  });

  navigation('navigateBack', function (o) {
    let delta = o.delta === undefined ? 1 : Math.floor(Number(o.delta));
    if (!(delta >= 1)) delta = 1;
    if (stack.length <= 1) return failed('cannot navigate back at first page');
    delta = Math.min(delta, stack.length - 1);
    for (let i = 0; i < delta; i++) unload(stack.pop());
    lifecycle(top(), 'onShow');
    return null;
  });

  navigation('switchTab', function (o, from) {
    const t = target(o, from);
    if (t.error) return argError(t.error);
    if (config.tabBar.indexOf(t.route) < 0) return failed('can only switchTab to a tabbar page');
    if (top() && top().route === t.route) return null;
    while (stack.length) {
      const p = stack.pop();
      if (tabPages.get(p.route) === p) lifecycle(p, 'onHide');
      else unload(p);
    }
    const page = tabPages.get(t.route);
    if (page) {
      stack.push(page);
      lifecycle(page, 'onShow');
    } else {
      openTab(t.route);
    }
    return null;
  });

  navigation('reLaunch', function (o, from) {
    const t = target(o, from);
    if (t.error) return argError(t.error);
    const alive = new Set(stack.concat(Array.from(tabPages.values())));
    stack.length = 0;
    tabPages.clear();
    for (const p of alive) lifecycle(p, 'onUnload');
    if (config.tabBar.indexOf(t.route) >= 0) openTab(t.route);
    else open(t.route, t.query);
    return null;
  });

  // ---- entries Python calls -------------------------------------------------------------
  // Loads app.js and the first page, then runs their lifecycle. A file that cannot load is
  // a launch failure (thrown); an exception inside a lifecycle hook is only reported.
  host.entries.launch = function (p) {
    host.load('app.js');
    if (!app) return { error: 'app.js did not call App()', file: 'app.js' };
    const parsed = parseUrl('/' + (p.path || config.entry));
    if (parsed.error) return { error: parsed.error, file: 'app.json' };
    const query = Object.assign(parsed.query, p.query || {});
    definition(parsed.route, 'page');
    const options = { path: parsed.route, query: query, scene: p.scene || '1001', referrerInfo: {} };
    host.step(function () { callHook(app, 'onLaunch', [options], 'app.js'); }, 'onLaunch of app.js');
    host.step(function () { callHook(app, 'onShow', [options], 'app.js'); }, 'onShow of app.js');
    if (config.tabBar.indexOf(parsed.route) >= 0) openTab(parsed.route);
    else open(parsed.route, query);
    host.step(publishStack, 'launch');
    return { ok: true };
  };

  host.entries.hide = function () {
    if (top()) lifecycle(top(), 'onHide');
    host.step(function () { callHook(app, 'onHide', [], 'app.js'); }, 'onHide of app.js');
  };

  host.entries.navigate = function (p) {
    const fn = impl[p.api];
    if (typeof fn === 'function') fn({ url: p.url, delta: p.delta });
  };

  host.entries.callMethod = function (p) {
    const page = stack.find(function (x) { return x.__id__ === p.pageId; });
    if (!page) return { error: 'page ' + p.pageId + ' is not open' };
    if (typeof page[p.name] !== 'function') return { error: p.name + ' is not a method of ' + page.route };
    const now = Date.now();
    const event = p.event || {
      type: 'tap', timeStamp: now, detail: {},
      target: { id: '', dataset: {} }, currentTarget: { id: '', dataset: {} },
    };
    host.callUser(page[p.name], page, [event], p.name + ' of ' + page.route);
    return { ok: true };
  };
})(globalThis, globalThis.__swan_host__);

// The mini-program framework: App, Page, Component, Behavior, instances and their
// lifecycle, the page stack, app events. Navigation APIs: navigation.js.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  const config = { pages: [], tabBar: [], components: {}, entry: '', broken: {}, templates: [] };
  host.onInit.push(function (p) {
    config.pages = p.pages || [];
    config.templates = p.templates || [];
    config.tabBar = p.tabBar || [];
    config.components = p.components || {};
    config.entry = p.entry || config.pages[0] || '';
    config.broken = p.broken || {};
  });

  let app;               // the object given to App()
  const definitions = new Map(); // module path -> {kind, options}
  const stack = [];
  const tabPages = new Map(); // route -> live tab page instance
  let nextInstanceId = 1;

  // The logic layer's `global`: a plain object every module shares, not the JS global
  // object (swan-core's master does `context.global = {}`). Framework runtimes keep their
  // state there (uni-app's `global["webpackJsonp"]`). Browser globals (window, document,
  // location, navigator, localStorage, history) do not exist in the logic layer.
  global.global = {};

  // ---- registration -------------------------------------------------------------------
  global.App = function (options) {
    if (options === null || typeof options !== 'object') throw new TypeError('App() expects an object');
    if (app) { host.console.warn('App() was called more than once; the first call is kept'); return; }
    app = options;
    if (!('globalData' in app)) app.globalData = {};
  };
  global.getApp = function () { return app; };
  global.getCurrentPages = function () { return stack.slice(); };

  // Page()/Component() register to the file whose top level calls them, so a page file
  // that requires a component's file (or a shared module) cannot mix them up.
  const registrations = new Map(); // module file -> {kind, options}
  function register(kind, options) {
    const file = host.currentModule();
    if (!file) {
      host.console.warn(kind + '() was called outside a page or component file; ignored');
      return;
    }
    if (registrations.has(file)) {
      host.console.warn(kind + '() was called twice in ' + file + '; the first call is kept');
      return;
    }
    registrations.set(file, { kind: kind, options: options !== null && typeof options === 'object' ? options : {} });
  }
  global.Page = function (options) { register('Page', options); };
  global.Component = function (options) { register('Component', options); };
  global.Behavior = function (options) { return options !== null && typeof options === 'object' ? options : {}; };

  // Runs the JS file of a page or component once and returns what it registered.
  function definition(path, role) {
    const known = definitions.get(path);
    if (known) return known;
    const file = path + '.js';
    try {
      if (!host.hasModule(file)) throw new Error(role + ' file not found: ' + file);
      host.load(file);
      const def = registrations.get(file);
      if (!def) throw new Error(file + ' did not call ' + (role === 'page' ? 'Page()' : 'Component()'));
      definitions.set(path, def);
      return def;
    } catch (e) {
      // Remembered: the file is not run again, and the page is "not found" from now on.
      config.broken[path] = host.errorInfo(e).message;
      throw e;
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

  const LIFETIMES = ['created', 'attached', 'ready', 'moved', 'detached'];

  // Behaviors first, the component's own options last (they win).
  function flatten(options) {
    const merged = { data: {}, properties: {}, methods: {}, hooks: {}, pageHooks: {}, messages: {}, behaviors: [], observers: [] };
    const add = function (o) {
      for (const b of Array.isArray(o.behaviors) ? o.behaviors : []) {
        // A behavior included twice runs once.
        if (b && typeof b === 'object' && merged.behaviors.indexOf(b) < 0) {
          merged.behaviors.push(b);
          add(b);
        }
      }
      Object.assign(merged.properties, o.properties || {});
      Object.assign(merged.messages, o.messages || {});
      Object.assign(merged.data, deepClone(o.data || {}));
      Object.assign(merged.methods, o.methods || {});
      // observers (3.105.9): all of them run, behaviors' first [framework/custom-component_observer.md].
      const obs = o.observers && typeof o.observers === 'object' ? o.observers : {};
      for (const key of Object.keys(obs)) if (typeof obs[key] === 'function') merged.observers.push([key, obs[key]]);
      const life = Object.assign({}, o, o.lifetimes || {});
      for (const h of LIFETIMES) {
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

  const instances = new Map(); // component instance id -> instance (events reach them)

  // Members every component instance has [framework/custom-component*.md]; on the
  // prototype, so a page's own methods (listed for the window) stay apart from them.
  const instanceMethods = Object.create(dataMethods);
  Object.assign(instanceMethods, {
    selectComponent: function (selector) { return host.framework.select(this, selector)[0] || null; },
    selectAllComponents: function (selector) { return host.framework.select(this, selector); },
    createSelectorQuery: function () { return impl.createSelectorQuery().in(this); },
    createIntersectionObserver: function (options) { return impl.createIntersectionObserver(this, options); },
    // The view finds the component's tag and runs its bind:<name> handler there
    // [framework/custom-component_cont.md]: detail as given, options {bubbles, capturePhase}.
    triggerEvent: function (name, detail, options) {
      host.post('component.event', this.__id__, {
        name: String(name), detail: detail === undefined ? {} : snapshot(detail),
        options: host.options(options),
      });
    },
    // Climbs to the first ancestor whose `messages` answers `name`; it gets {target, value}
    // and the message stops there [framework/custom-component_cont.md].
    dispatch: function (name, value) {
      for (let owner = this.__parent__; owner; owner = owner.__parent__) {
        const handler = owner.__messages__ && owner.__messages__[name];
        if (typeof handler === 'function') {
          host.callUser(handler, owner, [{ target: this, value: value }], 'messages.' + name + ' of ' + (owner.is || owner.route));
          return;
        }
      }
    },
    groupSetData: function (fn) { if (typeof fn === 'function') fn.call(this); },
    hasBehavior: function (b) { return (this.__behaviors__ || []).indexOf(b) >= 0; },
  });

  function hidden(obj, name, value) {
    Object.defineProperty(obj, name, { value: value, writable: true, configurable: true });
  }

  // Fills a component instance (or a page made with Component()) from its definition.
  function initComponent(inst, m) {
    const data = inst.data || {};
    for (const k of Object.keys(m.properties)) if (!(k in data)) data[k] = propertyDefault(m.properties[k]);
    for (const k of Object.keys(m.data)) data[k] = m.data[k];
    hidden(inst, '__hooks__', m);
    hidden(inst, '__messages__', m.messages);
    hidden(inst, '__behaviors__', m.behaviors);
    inst.data = data;
    inst.properties = data;
    inst.dataset = {};
    Object.assign(inst, m.methods);
    // The lifetimes are methods of the instance too, as on the platform: framework
    // runtimes call them (uni-app runs `$scope.detached()` when a page unloads).
    for (const name of LIFETIMES) {
      if (!(name in inst)) hidden(inst, name, function () { componentHook(this, name, Array.prototype.slice.call(arguments)); });
    }
  }

  // An instance of the component at `path` for tag `name`, declared by `parent` (the page
  // or a component) on `page`; `id`: the view's id for the occurrence (swan-core's nodeId
  // comes from the slave too), or a fresh one.
  function makeInstance(path, name, page, parent, id) {
    const def = definition(path, 'component');
    const m = flatten(def.options);
    const inst = Object.create(instanceMethods);
    hidden(inst, '__id__', id || nextInstanceId++);
    hidden(inst, '__page__', page);
    hidden(inst, '__parent__', parent);
    inst.is = path;
    inst.id = '';
    // What framework runtimes read: the owner (uni-app tells components from pages by it),
    // the node and tag, and the page the component lives in.
    inst.ownerId = parent.__id__;
    inst.nodeId = String(inst.__id__);
    inst.componentName = name;
    inst.pageinstance = page;
    // options.addGlobalClass [framework/custom-component_temp.md]: the page's classes reach
    // this component's nodes (the view marks them so).
    const own = def.options.options;
    hidden(inst, '__globalClass__', !!(own && typeof own === 'object' && own.addGlobalClass));
    const ext = def.options.externalClasses;
    hidden(inst, '__externalClasses__', Array.isArray(ext) ? ext.filter(function (c) {
      return typeof c === 'string';
    }) : []);
    initComponent(inst, m);
    instances.set(inst.__id__, inst);
    page.__components__.push(inst);
    return inst;
  }

  function announce(inst) {
    host.post('component.created', inst.__id__, {
      pageId: inst.__page__.__id__, parentId: inst.__parent__.__id__, name: inst.componentName,
      path: inst.is, data: snapshot(inst.data), addGlobalClass: inst.__globalClass__,
      externalClasses: inst.__externalClasses__,
    });
  }

  // A page without a template: one instance per usingComponents entry, with the static
  // attributes of its first tag (nothing renders to say more).
  function createComponent(ref, page) {
    const inst = makeInstance(ref.path, ref.name, page, page);
    hidden(inst, '__legacy__', true);
    applyAttributes(inst, inst.__hooks__, ref.attrs || {});
    inst.id = (ref.attrs || {}).id || '';
    announce(inst);
    return inst;
  }

  function camel(name) { return name.replace(/-([a-z])/g, function (_m, c) { return c.toUpperCase(); }); }

  // The static attributes of the component's tag in the page template: data-* become the
  // dataset (kebab-case to camelCase), the others set the properties they name, typed by
  // the property's type [framework/custom-component.md; framework/view_incident.md].
  // Bound values wait for the rendered page.
  function applyAttributes(inst, m, attrs) {
    for (const name of Object.keys(attrs)) {
      const value = attrs[name];
      if (name.startsWith('data-')) {
        inst.dataset[camel(name.slice(5))] = value;
        continue;
      }
      const key = camel(name);
      if (!Object.prototype.hasOwnProperty.call(m.properties, key)) continue;
      const p = m.properties[key];
      const type = typeof p === 'function' ? p : (p && p.type);
      let v = value;
      if (type === Number) v = Number(value);
      else if (type === Boolean) v = value !== 'false';  // a bare attribute is true
      else if (type === Object || type === Array) { try { v = JSON.parse(value); } catch (e) { v = value; } }
      inst.data[key] = v;
    }
  }

  function componentHook(inst, name, args) {
    for (const fn of inst.__hooks__.hooks[name] || []) host.callUser(fn, inst, args || [], name + ' of component ' + inst.is);
  }

  function componentPageHook(inst, name) {
    for (const fn of inst.__hooks__.pageHooks[name] || []) host.callUser(fn, inst, [], 'pageLifetimes.' + name + ' of component ' + inst.is);
  }

  // ---- pages ------------------------------------------------------------------------
  const pageMethods = Object.create(instanceMethods);
  Object.assign(pageMethods, {
    createCanvasContext: function (canvasId) { return impl.createCanvasContext(canvasId, this); },
    getOpenerEventChannel: function () { return host.eventChannelOf(this); },
  });

  function createPage(route, query) {
    const def = definition(route, 'page');
    const page = Object.create(pageMethods);
    hidden(page, '__id__', nextInstanceId++);
    page.route = route;
    page.options = query;
    if (def.kind === 'Page') {
      for (const k of Object.keys(def.options)) if (k !== 'data') page[k] = def.options[k];
      page.data = deepClone(def.options.data || {});
      hidden(page, '__messages__', def.options.messages);
    } else {
      // A page built with Component(): its methods hold the page hooks; its lifetimes run
      // too. It has no owner, and it is its own page instance.
      page.is = route;
      page.pageinstance = page;
      initComponent(page, flatten(def.options));
    }
    // The page's live component instances, in document order (the view keeps it so).
    hidden(page, '__components__', []);
    if (config.templates.indexOf(route) < 0) {
      for (const c of config.components[route] || []) {
        try {
          createComponent(c, page);
        } catch (e) {
          host.problem(c.path + '.js', 'component <' + c.name + '> of ' + route + ' is left out: ' + host.errorInfo(e).message);
        }
      }
    }
    const methods = [];
    for (const k of Object.keys(page)) if (typeof page[k] === 'function') methods.push(k);
    host.post('page.created', page.__id__, { route: route, query: query, data: snapshot(page.data), methods: methods });
    return page;
  }

  // Schedules one page hook as its own step.
  function pageHook(page, hook, args) {
    host.step(function () {
      host.post('page.lifecycle', page.__id__, { route: page.route, hook: hook });
      callHook(page, hook, args || [], page.route);
    }, hook + ' of ' + page.route);
  }

  // Schedules one lifetime of a Component() page itself, as its own step.
  function ownLifetime(page, name) {
    if (page.__hooks__) host.step(function () { componentHook(page, name); }, name + ' of ' + page.route);
  }

  // pageLifetimes.show/hide of the page's components, and detached on unload (then they
  // are gone).
  function componentsLifetime(page, name) {
    for (const c of page.__components__.slice()) {
      host.step(function () {
        if (name === 'show' || name === 'hide') componentPageHook(c, name);
        else {
          componentHook(c, name);
          instances.delete(c.__id__);
        }
      }, name + ' of ' + page.route);
    }
  }

  // Schedules the hook (and the matching component hooks), each as its own step.
  function lifecycle(page, hook, args) {
    if (hook === 'onReady') ownLifetime(page, 'ready');
    pageHook(page, hook, args);
    if (hook === 'onShow' || hook === 'onHide') componentsLifetime(page, hook === 'onShow' ? 'show' : 'hide');
    else if (hook === 'onUnload') {
      componentsLifetime(page, 'detached');
      ownLifetime(page, 'detached');
    }
  }

  // A page without a template: its components are created, attached and ready in one go,
  // all in one step, after the page's onLoad and onShow and before its onReady (swan-core:
  // the slave's onPageRender registers them, then `rendered` fires onReady). A page with a
  // template asks the view for its first render instead; the view answers with
  // entries.componentsRendered (components.js), which runs them and then onReady.
  function renderComponents(page) {
    host.step(function () {
      for (const c of page.__components__) {
        componentHook(c, 'created');
        componentHook(c, 'attached');
        componentHook(c, 'ready');
      }
    }, 'rendering ' + page.route);
  }

  // Creates the page when its turn comes; it is on the stack before its onLoad runs
  // (getCurrentPages() includes it there). A page made with Component() runs its own
  // lifetimes and shows before it loads, as on the platform ("lifetimes:attached ->
  // methods:onShow -> methods:onLoad -> methods:onReady", which uni-app relies on).
  function open(route, query, onOpen) {
    host.step(function () {
      const page = createPage(route, query);
      stack.push(page);
      if (onOpen) onOpen(page);
      if (page.__hooks__) {
        ownLifetime(page, 'created');
        ownLifetime(page, 'attached');
        pageHook(page, 'onShow');
        pageHook(page, 'onLoad', [query]);
      } else {
        pageHook(page, 'onLoad', [query]);
        pageHook(page, 'onShow');
      }
      if (config.templates.indexOf(route) >= 0) {
        host.step(function () { host.post('page.render', page.__id__, { route: route }); }, 'rendering ' + route);
      } else {
        renderComponents(page);
        lifecycle(page, 'onReady');
      }
    }, 'opening ' + route);
  }

  function openTab(route) {
    open(route, {}, function (page) { tabPages.set(route, page); });
  }

  function unload(page) {
    if (tabPages.get(page.route) === page) tabPages.delete(page.route);
    hidden(page, '__unloaded__', true);
    lifecycle(page, 'onUnload');
  }

  function publishStack() {
    host.post('page.stack', 0, stack.map(function (p) { return { id: p.__id__, route: p.route, query: p.options }; }));
  }

  function top() { return stack[stack.length - 1]; }

  // Parses `path?query` against the current page; {route, query} or {error}.
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
    if (path === null || config.pages.indexOf(path) < 0 || hasOwn(config.broken, path)) {
      const written = q >= 0 ? url.slice(0, q) : url;
      return { notFound: true, path: path === null ? written : path, query: query, error: 'page "' + written + '" is not found' };
    }
    return { route: path, query: query };
  }

  // A page that cannot be opened: App.onPageNotFound and swan.onPageNotFound hear of it
  // [api/base_app_event/swan-onPageNotFound.md].
  function pageNotFound(target, isEntryPage) {
    const res = { path: target.path, query: target.query, isEntryPage: isEntryPage };
    host.step(function () {
      callHook(app, 'onPageNotFound', [Object.assign({}, res)], 'app.js');
      host.dispatch('pageNotFound', Object.assign({}, res));
    }, 'onPageNotFound');
  }

  // What components.js needs of the framework.
  host.framework = {
    definition: definition, makeInstance: makeInstance, announce: announce, instances: instances,
    stack: stack, tabPages: tabPages, componentHook: componentHook, lifecycle: lifecycle,
    setPath: setPath, getPath: getPath, snapshot: snapshot, hidden: hidden, camel: camel,
    deepClone: deepClone, propertyDefault: propertyDefault,
  };

  // What navigation.js needs of the page stack.
  host.pages = {
    config: config, stack: stack, tabPages: tabPages, definition: definition, parseUrl: parseUrl,
    open: open, openTab: openTab, unload: unload, lifecycle: lifecycle, top: top,
    publishStack: publishStack, pageNotFound: pageNotFound,
  };

  // ---- app events [api/base_app_event/*] ------------------------------------------------
  for (const name of ['AppShow', 'AppHide', 'Error', 'PageNotFound']) {
    const event = name[0].toLowerCase() + name.slice(1);
    impl['on' + name] = function (fn) { host.listen(event, fn); };
    impl['off' + name] = function (fn) { host.unlisten(event, fn); };
  }

  // Uncaught errors also reach App.onError and swan.onError listeners (with the message
  // and stack, as the platform passes them); an error inside those is only reported.
  const report = host.reportError;
  let inOnError = false;
  host.reportError = function (e, where) {
    report(e, where);
    if (inOnError || !app) return;
    inOnError = true;
    try {
      const info = host.errorInfo(e);
      const text = info.message + (info.stack ? '\n' + info.stack : '');
      callHook(app, 'onError', [text], 'app.js');
      host.dispatch('error', text);
    } finally {
      inOnError = false;
    }
  };

  // A part of the app that failed to load (a page, a component): reported once, as a
  // load problem of that file; the rest of the app runs.
  host.problem = function (file, message) {
    host.post('app.problem', 0, { file: file, message: message });
  };

  // ---- entries Python calls -------------------------------------------------------------
  // Loads app.js and the first page, then runs their lifecycle. A file that cannot load is
  // a launch failure (thrown); an exception inside a lifecycle hook is only reported.
  host.entries.launch = function (p) {
    host.load('app.js');
    if (!app) return { error: 'app.js did not call App()', file: 'app.js' };
    const target = parseUrl('/' + (p.path || config.entry));
    const query = Object.assign({}, target.query, p.query || {});
    const path = target.route || target.path;
    const listed = !target.notFound;
    if (listed) {
      // The page's file runs before onLaunch, as on the platform; if it cannot, the page
      // is not found (a load problem of its own), and the app still launches.
      try {
        definition(target.route, 'page');
      } catch (e) {
        host.problem(target.route + '.js', host.errorInfo(e).message);
        target.notFound = true;
        target.error = 'page "' + path + '" is not found';
      }
    }
    const options = { path: path, query: query, scene: p.scene || '1001', referrerInfo: {} };
    host.step(function () { callHook(app, 'onLaunch', [options], 'app.js'); }, 'onLaunch of app.js');
    host.step(function () {
      const shown = Object.assign({}, options, { entryType: 'user', appURL: '' });
      callHook(app, 'onShow', [shown], 'app.js');
      host.dispatch('appShow', Object.assign({}, shown));
    }, 'onShow of app.js');
    if (target.notFound) {
      if (!listed && !hasOwn(config.broken, path)) {
        host.problem('app.json', target.error + (p.path ? '' : ' (the entry page)'));
      }
      pageNotFound({ path: path, query: query }, true);
    } else if (config.tabBar.indexOf(target.route) >= 0) {
      openTab(target.route);
    } else {
      open(target.route, query);
    }
    host.step(publishStack, 'launch');
    return { ok: true };
  };

  host.entries.hide = function () {
    if (top()) lifecycle(top(), 'onHide');
    host.step(function () {
      callHook(app, 'onHide', [], 'app.js');
      host.dispatch('appHide', {});
    }, 'onHide of app.js');
  };

  // The view wrote a two-way ({= =}) value back: the page's data has it, without a
  // setData the app sees.
  host.entries.modelWrite = function (p) {
    const page = stack.find(function (x) { return x.__id__ === p.pageId; });
    if (page) setPath(page.data, String(p.path), p.value);
  };

  host.entries.callMethod = function (p) {
    const page = p.instanceId ? instances.get(p.instanceId)
      : stack.find(function (x) { return x.__id__ === p.pageId; });
    if (!page) return { error: 'page ' + p.pageId + ' is not open' };
    const owner = page.route || page.is;
    if (typeof page[p.name] !== 'function') {
      const message = p.name + ' is not a method of ' + owner;
      // A call the view could not wait for (a triggerEvent's, queued behind the JS that
      // fired it) says where its binding is, and is reported here.
      if (p.binding) host.reportError(new TypeError(message + ' (the ' + p.event.type + ' binding at ' + p.binding + ')'), p.event.type + ' on <' + p.binding + '>');
      return { error: message };
    }
    const now = Date.now();
    const event = p.event || {
      type: 'tap', timeStamp: now, detail: {},
      target: { id: '', dataset: {} }, currentTarget: { id: '', dataset: {} },
    };
    host.callUser(page[p.name], page, [event], p.name + ' of ' + owner);
    return { ok: true };
  };
})(globalThis, globalThis.__swan_host__);

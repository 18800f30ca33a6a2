// The mini-program framework's app: App(), getApp(), getCurrentPages(), the logic
// layer's `global`, app events, and the entries Python calls. Page(), Component() and
// Behavior(): definitions.js; instances: instance-data.js, instances.js; the page stack
// and lifecycle: pages.js; navigation APIs: navigation.js.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  const fw = host.framework;
  const pages = host.pages;
  const config = pages.config;
  const stack = pages.stack;
  const definition = pages.definition;
  const parseUrl = pages.parseUrl;
  const open = pages.open;
  const openTab = pages.openTab;
  const lifecycle = pages.lifecycle;
  const top = pages.top;
  const publishStack = pages.publishStack;
  const instances = fw.instances;
  const setPath = fw.setPath;
  const callHook = fw.callHook;

  let app;               // the object given to App()

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

  // A page that cannot be opened: App.onPageNotFound and swan.onPageNotFound hear of it
  // [api/base_app_event/swan-onPageNotFound.md].
  function pageNotFound(target, isEntryPage) {
    const res = { path: target.path, query: target.query, isEntryPage: isEntryPage };
    host.step(function () {
      callHook(app, 'onPageNotFound', [Object.assign({}, res)], 'app.js');
      host.dispatch('pageNotFound', Object.assign({}, res));
    }, 'onPageNotFound');
  }

  // navigation.js needs it too.
  pages.pageNotFound = pageNotFound;

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

// Pages: making one (with Page() or Component()), its lifecycle hooks and its
// components' as steps, the page stack, opening and unloading, and the URLs pages are
// opened by. Navigation APIs: navigation.js.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  const fw = host.framework;
  const config = fw.config;
  const definition = fw.definition;
  const deepClone = fw.deepClone;
  const snapshot = fw.snapshot;
  const hidden = fw.hidden;
  const instanceMethods = fw.instanceMethods;
  const initComponent = fw.initComponent;
  const flatten = fw.flatten;
  const createComponent = fw.createComponent;
  const componentHook = fw.componentHook;
  const componentPageHook = fw.componentPageHook;
  const instances = fw.instances;
  const nextId = fw.nextId;
  const stack = [];
  const tabPages = new Map(); // route -> live tab page instance

  function callHook(target, name, args, where) {
    if (target && typeof target[name] === 'function') {
      host.callUser(target[name], target, args, name + ' of ' + where);
    }
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
    hidden(page, '__id__', nextId());
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

  // What app.js and components.js need of the pages.
  Object.assign(fw, { stack: stack, tabPages: tabPages, lifecycle: lifecycle, callHook: callHook });

  // What navigation.js (and app.js) need of the page stack.
  host.pages = {
    config: config, stack: stack, tabPages: tabPages, definition: definition, parseUrl: parseUrl,
    open: open, openTab: openTab, unload: unload, lifecycle: lifecycle, top: top,
    publishStack: publishStack,
  };
})(globalThis, globalThis.__swan_host__);

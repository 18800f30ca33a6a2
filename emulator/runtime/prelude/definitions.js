// The app's pages and components as it defines them: app.json's lists (config), and
// Page(), Component() and Behavior(), which register to the file whose top level calls
// them; definition() runs such a file once. The first of the framework's files (then
// instance-data.js, instances.js, pages.js, app.js); they share host.framework.
(function (global, host) {
  'use strict';

  const config = { pages: [], tabBar: [], components: {}, entry: '', broken: {}, templates: [] };
  host.onInit.push(function (p) {
    config.pages = p.pages || [];
    config.templates = p.templates || [];
    config.tabBar = p.tabBar || [];
    config.components = p.components || {};
    config.entry = p.entry || config.pages[0] || '';
    config.broken = p.broken || {};
  });

  const definitions = new Map(); // module path -> {kind, options}

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

  // What the framework's other files (and components.js) need of the definitions.
  host.framework = { config: config, definition: definition };
})(globalThis, globalThis.__swan_host__);

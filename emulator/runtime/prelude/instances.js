// Component instances, and what pages share with them: a definition merged with its
// behaviors, the members every instance has, making an instance and announcing it to the
// host, its lifetimes; the components of a page without a template.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const fw = host.framework;
  const definition = fw.definition;
  const deepClone = fw.deepClone;
  const snapshot = fw.snapshot;
  const dataMethods = fw.dataMethods;
  let nextInstanceId = 1;

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

  // A page without a template: one instance per usingComponents entry (no tag gives it
  // attributes).
  function createComponent(ref, page) {
    const inst = makeInstance(ref.path, ref.name, page, page);
    hidden(inst, '__legacy__', true);
    announce(inst);
    return inst;
  }

  function camel(name) { return name.replace(/-([a-z])/g, function (_m, c) { return c.toUpperCase(); }); }

  function componentHook(inst, name, args) {
    for (const fn of inst.__hooks__.hooks[name] || []) host.callUser(fn, inst, args || [], name + ' of component ' + inst.is);
  }

  function componentPageHook(inst, name) {
    for (const fn of inst.__hooks__.pageHooks[name] || []) host.callUser(fn, inst, [], 'pageLifetimes.' + name + ' of component ' + inst.is);
  }

  // A fresh instance id (pages take theirs from the same count).
  function nextId() { return nextInstanceId++; }

  // What pages.js, app.js and components.js need of the instances.
  Object.assign(fw, {
    makeInstance: makeInstance, announce: announce, instances: instances, hidden: hidden,
    camel: camel, propertyDefault: propertyDefault, flatten: flatten,
    instanceMethods: instanceMethods, initComponent: initComponent,
    createComponent: createComponent, componentHook: componentHook,
    componentPageHook: componentPageHook, nextId: nextId,
  });
})(globalThis, globalThis.__swan_host__);

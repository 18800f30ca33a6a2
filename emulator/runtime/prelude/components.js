// Custom component instances, one per occurrence in a rendered template: the view
// (emulator/view/components.py) finds an occurrence and names it; the entries here make
// its instance (properties from the tag's attributes), pass later attribute changes on as
// property changes (observers), and run the lifetimes once the view has rendered
// [framework/custom-component*.md; shared/spec/view-layer.md §5].
(function (global, host) {
  'use strict';

  const fw = host.framework;
  const $ = host.intrinsic;
  function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  // A live page by id (on the stack, or a tab page kept alive off it).
  function pageById(id) {
    const onStack = fw.stack.find(function (p) { return p.__id__ === id; });
    if (onStack) return onStack;
    for (const p of fw.tabPages.values()) if (p.__id__ === id) return p;
    return null;
  }

  // ---- properties from attributes -----------------------------------------------------
  // Attributes that are not properties: the tag's own (id, class, style, slot) and the
  // dataset.
  const TAG_ATTRIBUTES = ['id', 'class', 'style', 'slot'];

  function typeOf(p) { return typeof p === 'function' ? p : (p && typeof p === 'object' ? p.type : null); }

  // A value as the property's type wants it. Bound values arrive with their JS type and
  // static ones as strings (a bare attribute is true, San's rule). The docs list the types
  // but not the conversion; **choice** (shared/spec/view-layer.md §5), as WeChat's base
  // library does for a mismatch: Number() (NaN -> 0), String() (null -> ''), Boolean with
  // "false" and "" false (what an author writing show="false" means), Object/Array from a
  // JSON string else the type's default, null (any type) as given.
  function coerce(p, value) {
    const type = typeOf(p);
    if (value === undefined) return fw.propertyDefault(p);
    if (type === Number) {
      const n = typeof value === 'number' ? value : Number(value);
      return n === n ? n : 0;
    }
    if (type === String) {
      if (value === null) return '';
      return typeof value === 'object' ? host.stringify(value) : String(value);
    }
    if (type === Boolean) return typeof value === 'string' ? value !== '' && value !== 'false' : Boolean(value);
    if (type === Object || type === Array) {
      if (typeof value === 'string') {
        try { return $.parse(value); } catch (e) { return fw.propertyDefault(p); }
      }
      return value;
    }
    return value;
  }

  // Sets id, class, dataset and the properties the attributes name (kebab-case and the
  // `prop-` prefix become the camelCase key); returns {key: [new, old]} of the properties
  // whose passed value changed.
  function setAttributes(inst, attrs, initial) {
    const m = inst.__hooks__;
    const dataset = {};
    const changed = {};
    for (const name of Object.keys(attrs)) {
      const value = attrs[name];
      if (name.startsWith('data-')) { dataset[fw.camel(name.slice(5).toLowerCase())] = value; continue; }
      if (TAG_ATTRIBUTES.indexOf(name) >= 0) continue;
      const key = fw.camel(name.replace(/^prop-/, ''));
      if (!hasOwn(m.properties, key)) continue;
      const v = coerce(m.properties[key], value);
      const text = host.stringify(v === undefined ? null : v);
      if (!initial && inst.__passed__[key] === text) continue;
      inst.__passed__[key] = text;
      changed[key] = [v, inst.data[key]];
      inst.data[key] = v;
    }
    inst.id = attrs.id === undefined || attrs.id === null || attrs.id === true ? '' : String(attrs.id);
    inst.className = typeof attrs.class === 'string' ? attrs.class : '';
    inst.dataset = dataset;
    return changed;
  }

  // ---- observers ----------------------------------------------------------------------
  function keysOf(path) { return path === '' ? [] : String(path).split(/\.|\[|\]\.?/).filter(function (k) { return k !== ''; }); }

  function isPrefix(a, b) {
    if (a.length > b.length) return false;
    for (let i = 0; i < a.length; i++) if (String(a[i]) !== String(b[i])) return false;
    return true;
  }

  // Does a setData of `changed` reach the observed `field`? The field itself or an
  // ancestor of it; `x.**` also any descendant; `**` everything
  // [framework/custom-component_observer.md].
  function reaches(field, changed) {
    if (field === '**') return true;
    const deep = field.endsWith('.**');
    const f = keysOf(deep ? field.slice(0, -3) : field);
    const c = keysOf(changed);
    return isPrefix(c, f) || (deep && isPrefix(f, c));
  }

  function fieldValue(inst, field) {
    if (field === '**') return inst.data;
    return fw.getPath(inst.data, field.endsWith('.**') ? field.slice(0, -3) : field);
  }

  // The current values of the keys that are properties (their observers' oldVal).
  function propertyValues(inst, keys) {
    const out = {};
    const props = inst.__hooks__.properties;
    for (const k of keys) if (hasOwn(props, k)) out[k] = fw.deepClone(inst.data[k]);
    return out;
  }

  // After a change of `keys`: each property observer whose property changed gets (newVal,
  // oldVal); each `observers` entry a change reaches runs once with its fields' values.
  function observe(inst, keys, before) {
    const m = inst.__hooks__;
    for (const k of Object.keys(before)) {
      const p = m.properties[k];
      const fn = p && typeof p === 'object' ? p.observer : null;
      const where = 'observer of property ' + k + ' of ' + (inst.is || inst.route);
      if (typeof fn === 'function') host.callUser(fn, inst, [inst.data[k], before[k]], where);
      else if (typeof fn === 'string' && typeof inst[fn] === 'function') host.callUser(inst[fn], inst, [inst.data[k], before[k]], where);
    }
    for (const pair of m.observers) {
      const fields = pair[0].split(',').map(function (f) { return f.trim(); });
      const hit = fields.some(function (f) { return keys.some(function (k) { return reaches(f, k); }); });
      if (hit) {
        host.callUser(pair[1], inst, fields.map(function (f) { return fieldValue(inst, f); }),
          'observers["' + pair[0] + '"] of ' + (inst.is || inst.route));
      }
    }
  }

  // ---- selectComponent ----------------------------------------------------------------
  // A compound selector: tag, #id, .class (any number), in any order.
  function matches(inst, selector) {
    const parts = selector.match(/[#.]?[^#.\s]+/g) || [];
    if (parts.length === 0) return false;
    const classes = (inst.className || '').split(/\s+/);
    return parts.every(function (part) {
      if (part[0] === '#') return inst.id === part.slice(1) || (inst.__legacy__ && inst.componentName === part.slice(1));
      if (part[0] === '.') return classes.indexOf(part.slice(1)) >= 0;
      return inst.componentName === part;
    });
  }

  function within(inst, owner) {
    for (let p = inst.__parent__; p; p = p.__parent__) if (p === owner) return true;
    return false;
  }

  // The occurrences below `owner` (declared in its template or deeper) matching a
  // comma-separated list of compound selectors, in document order.
  function select(owner, selector) {
    const page = owner.__page__ || owner;
    const alternatives = String(selector || '').split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    return (page.__components__ || []).filter(function (c) {
      return fw.instances.get(c.__id__) === c && within(c, owner) &&
        alternatives.some(function (s) { return matches(c, s); });
    });
  }

  fw.propertyValues = propertyValues;
  fw.observe = observe;
  fw.select = select;

  // ---- entries the view calls -----------------------------------------------------------
  // An occurrence appeared: its instance, with the tag's attributes ({id, pageId,
  // parentId, path, name, attrs}). Its lifetimes wait for componentsRendered.
  host.entries.componentCreate = function (p) {
    const page = pageById(p.pageId);
    if (!page) return { error: 'page ' + p.pageId + ' is gone' };
    const parent = p.parentId === p.pageId ? page : fw.instances.get(p.parentId);
    if (!parent) return { error: 'parent ' + p.parentId + ' is gone' };
    let inst;
    try {
      inst = fw.makeInstance(p.path, p.name, page, parent, p.id);
    } catch (e) {
      host.problem(p.path + '.js', 'component <' + p.name + '> of ' + (parent.is || page.route) +
        ' is left out: ' + host.errorInfo(e).message);
      return { error: host.errorInfo(e).message };
    }
    fw.hidden(inst, '__passed__', {});
    setAttributes(inst, p.attrs || {}, true);
    fw.announce(inst);
    return { ok: true };
  };

  // The occurrence's attributes changed in a re-render: properties change as a setData
  // would, their observers run.
  host.entries.componentProps = function (p) {
    const inst = fw.instances.get(p.id);
    if (!inst || !inst.__passed__) return;
    const changed = setAttributes(inst, p.attrs || {}, false);
    const keys = Object.keys(changed);
    if (keys.length === 0) return;
    const changes = {};
    const before = {};
    for (const k of keys) { changes[k] = changed[k][0]; before[k] = changed[k][1]; }
    host.post('page.setData', inst.__id__, { route: inst.is, changes: fw.snapshot(changes), size: 0 });
    observe(inst, keys, before);
  };

  // The view rendered the page ({pageId, created, detached, order, first}): removed
  // occurrences are detached; new ones are created, attached and ready in one go, in
  // document order, parents first (swan-core's registerCustomComponent runs the three
  // together, in the order the slave registers them); on the first render the page's
  // onReady follows.
  host.entries.componentsRendered = function (p) {
    const page = pageById(p.pageId);
    if (!page || page.__unloaded__) return;
    if (p.order) {
      const rank = new Map(p.order.map(function (id, i) { return [id, i]; }));
      const live = page.__components__.filter(function (c) { return fw.instances.get(c.__id__) === c; });
      live.sort(function (a, b) { return (rank.has(a.__id__) ? rank.get(a.__id__) : 1e9) - (rank.has(b.__id__) ? rank.get(b.__id__) : 1e9); });
      page.__components__.length = 0;
      $.apply(Array.prototype.push, page.__components__, live);
    }
    const gone = (p.detached || []).map(function (id) { return fw.instances.get(id); }).filter(Boolean);
    for (const inst of gone) fw.instances.delete(inst.__id__);
    const made = (p.created || []).map(function (id) { return fw.instances.get(id); }).filter(Boolean);
    if (gone.length || made.length) {
      host.step(function () {
        for (const inst of gone) {
          fw.componentHook(inst, 'detached');
          const at = page.__components__.indexOf(inst);
          if (at >= 0) page.__components__.splice(at, 1);
        }
        for (const inst of made) {
          if (fw.instances.get(inst.__id__) !== inst) continue;
          fw.componentHook(inst, 'created');
          fw.componentHook(inst, 'attached');
          fw.componentHook(inst, 'ready');
        }
      }, 'rendering ' + page.route);
    }
    if (p.first) fw.lifecycle(page, 'onReady');
  };
})(globalThis, globalThis.__swan_host__);

/* The elements: one per node of the core's tree (`swan-<tag>`), built, patched and reset
 * from Python through window.swanMirror; and the inspector's highlight. */
(function (S) {
  'use strict';
  var nodes = S.nodes, shell = S.shell, post = S.post, truthy = S.truthy;
  var mirrored = S.mirrored, PARTS = S.PARTS;
  var root = null;          // the page's element
  var highlighted = null;   // node id the inspector outlines
  var SAFE_NAME = /^[a-zA-Z_][a-zA-Z0-9_:.-]*$/;
  var BOOL_ATTRS = {disabled: 1, checked: 1, plain: 1, loading: 1, password: 1,
                    hidden: 1, 'show-info': 1, 'indicator-dots': 1, autoplay: 1,
                    circular: 1, vertical: 1, 'scroll-x': 1, 'scroll-y': 1, selectable: 1,
                    active: 1, 'show-value': 1, 'auto-height': 1, focus: 1};
  var PLACEHOLDERS = {video: 1, map: 1, canvas: 1, camera: 1, 'live-player': 1,
                      'web-view': 1, audio: 1, 'ar-camera': 1, 'animation-view': 1,
                      'animation-video': 1, ad: 1, 'open-data': 1, 'movable-area': 0};

  function elementName(tag) {
    return 'swan-' + String(tag).toLowerCase().replace(/[^a-z0-9-]/g, '-');
  }

  // ---- building elements ------------------------------------------------------------------
  function build(json) {
    if (json.tag === undefined) {
      var text = document.createTextNode(json.text);
      text.__nid = json.id;
      nodes.set(json.id, text);
      return text;
    }
    var el = document.createElement(elementName(json.tag));
    el.__nid = json.id;
    el.__tag = json.tag;
    el.__attrs = {};
    el.__events = json.events || [];
    el.__content = el;
    // The component's isolation marks (emulator/view/styles.py): data-swan-scope, …
    Object.keys(json.marks || {}).forEach(function (name) {
      if (/^data-swan-[a-z-]+$/.test(name)) { el.setAttribute(name, String(json.marks[name])); }
    });
    if (json.owner) { el.__owner = json.owner; }
    nodes.set(json.id, el);
    var parts = PARTS[json.tag];
    if (parts && parts.build) { parts.build(el); }
    if (PLACEHOLDERS[json.tag]) { el.setAttribute('data-swan-label', json.tag); }
    setAttrs(el, json.attrs || {}, []);
    (json.children || []).forEach(function (child) { el.__content.appendChild(build(child)); });
    if (parts && parts.children) { parts.children(el); }
    return el;
  }

  function forget(domNode) {
    nodes.delete(domNode.__nid);
    if (domNode.__autoplay) { clearInterval(domNode.__autoplay); domNode.__autoplay = null; }
    if (domNode.__content) {
      Array.prototype.forEach.call(domNode.__content.childNodes, function (c) {
        if (c.__nid !== undefined) { forget(c); }
      });
    }
  }

  function setAttrs(el, set, unset) {
    unset.forEach(function (name) {
      delete el.__attrs[name];
      if (name === 'class') { el.removeAttribute('class'); }
      else if (name === 'style') { el.removeAttribute('style'); }
      else { el.removeAttribute(name); }
    });
    Object.keys(set).forEach(function (name) {
      var value = set[name];
      el.__attrs[name] = value;
      // The app's attributes are data, never script: no on* handler attributes, and only
      // names an element can carry.
      if (!SAFE_NAME.test(name) || /^on/i.test(name)) { return; }
      if (name === 'class') { el.className = value === true ? '' : String(value); return; }
      if (name === 'style') { el.style.cssText = value === true ? '' : String(value); return; }
      if (BOOL_ATTRS[name]) {
        if (truthy(value)) { el.setAttribute(name, ''); } else { el.removeAttribute(name); }
        return;
      }
      if (value === null || value === undefined || value === false) {
        el.removeAttribute(name);
      } else if (typeof value === 'object') {
        el.setAttribute(name, JSON.stringify(value));
      } else {
        try { el.setAttribute(name, value === true ? '' : String(value)); } catch (e) { /* bad name */ }
      }
    });
    var parts = PARTS[el.__tag];
    if (parts && parts.update) { parts.update(el, el.__attrs); }
  }

  function place(parent, child, index) {
    var kids = mirrored(parent).filter(function (c) { return c !== child; });
    var before = index < kids.length ? kids[index] : null;
    if (before === null) {
      var last = kids[kids.length - 1];
      before = last ? last.nextSibling : (parent.__content.__tail || null);
    }
    parent.__content.insertBefore(child, before);
  }

  // ---- patches ------------------------------------------------------------------------------
  function apply(patches) {
    for (var i = 0; i < patches.length; i++) {
      try {
        applyOne(patches[i]);
      } catch (e) {
        // The DOM no longer matches the core's tree: ask for the page whole.
        post({type: 'resync', error: String(e)});
        return;
      }
    }
    if (highlighted !== null) { highlight(highlighted); }
  }

  function applyOne(p) {
    var target;
    switch (p.op) {
      case 'insert': {
        var parent = p.parent === rootId ? root : nodes.get(p.parent);
        if (!parent) { break; }
        var old = nodes.get(p.node.id);
        if (old && old.parentNode) { old.parentNode.removeChild(old); forget(old); }
        place(parent, build(p.node), p.index);
        if (PARTS[parent.__tag] && PARTS[parent.__tag].children) {
          PARTS[parent.__tag].children(parent);
        }
        break;
      }
      case 'remove':
        target = nodes.get(p.id);
        if (target) {
          var from = target.parentNode;
          if (from) { from.removeChild(target); }
          forget(target);
          var owner = from && (from.__nid !== undefined ? from : from.parentNode);
          if (owner && PARTS[owner.__tag] && PARTS[owner.__tag].children) {
            PARTS[owner.__tag].children(owner);
          }
        }
        break;
      case 'move': {
        target = nodes.get(p.id);
        var into = p.parent === rootId ? root : nodes.get(p.parent);
        if (target && into) { place(into, target, p.index); }
        break;
      }
      case 'attrs':
        target = nodes.get(p.id);
        if (target && target.__attrs) { setAttrs(target, p.set || {}, p.unset || []); }
        break;
      case 'text':
        target = nodes.get(p.id);
        if (target) { target.textContent = p.text; }
        break;
      case 'events':
        target = nodes.get(p.id);
        if (target) { target.__events = p.events || []; }
        break;
    }
  }

  var rootId = null;

  function reset(page) {
    nodes.clear();
    rootId = page.root;
    root = shell.page;
    root.textContent = '';
    root.__nid = undefined;
    root.__content = root;
    root.__tag = '#page';
    shell.css.textContent = page.css || '';
    shell.base.setAttribute('href', page.base || 'swan://app/');
    var error = shell.error;
    error.textContent = page.error || '';
    error.style.display = page.error ? 'block' : 'none';
    (page.children || []).forEach(function (child) { root.appendChild(build(child)); });
    window.scrollTo(0, 0);
    highlighted = null;
    shell.highlight.style.display = 'none';
  }

  // ---- inspector ------------------------------------------------------------------------------
  function highlight(id) {
    highlighted = id;
    var box = shell.highlight;
    var el = id === null ? null : nodes.get(id);
    if (!el || el.nodeType !== 1) { box.style.display = 'none'; lastBox = null; return; }
    var r = el.getBoundingClientRect();
    box.style.display = 'block';
    box.style.left = (r.left + window.scrollX) + 'px';
    box.style.top = (r.top + window.scrollY) + 'px';
    box.style.width = r.width + 'px';
    box.style.height = r.height + 'px';
    box.setAttribute('data-label', '<' + el.__tag + '> ' + Math.round(r.width) + '×' +
                     Math.round(r.height));
    var shown = {left: r.left + window.scrollX, top: r.top + window.scrollY, width: r.width,
                 height: r.height};
    if (JSON.stringify(shown) !== lastBox) {
      lastBox = JSON.stringify(shown);
      post({type: 'highlighted', node: id, box: shown});
    }
  }
  var lastBox = null;

  function reveal(id) {
    var el = nodes.get(id);
    if (el && el.scrollIntoView) { el.scrollIntoView({block: 'nearest'}); }
    highlight(id);
  }

  function box(id) {
    var el = nodes.get(id);
    if (!el || el.nodeType !== 1) { return null; }
    var r = el.getBoundingClientRect();
    return {left: r.left + window.scrollX, top: r.top + window.scrollY, width: r.width,
            height: r.height};
  }
  S.highlight = highlight;

  window.swanMirror = {
    reset: reset,
    apply: apply,
    highlight: function (id) { reveal(id); },
    unhighlight: function () { highlight(null); },
    inspect: function (on) { S.inspecting = !!on; document.body.classList.toggle('swan-inspecting', !!on); },
    box: box,
    scrollTo: function (top) { window.scrollTo(0, top); },
    setCss: function (css) { shell.css.textContent = css || ''; },
    count: function () { return nodes.size; }
  };
})(window.__swanMirror);

/* The web view's copy of the core's node tree (emulator/view/tree.py), and the way user
 * gestures get back to the core.
 *
 * The core is the one truth about the page: this file never decides what a tap does. It
 * builds one element per node (`swan-<tag>`, as the platform's own view layer names its
 * elements), applies the core's patches in batches, and reports raw input — "tap on node 17
 * at x,y", "typed 'abc' into node 9", "slider 12 moved to 40", "scroll-view 5 scrolled" —
 * over the QWebChannel object `host` (Python: emulator/gui/simulator/web_page.py). Built-in
 * components get the platform's look from components.css; the few that need inner parts
 * (a real <input> to type into, a checkbox's box, a slider's track) get them here.
 *
 * Node JSON: {id, tag, attrs, events, children, owner?, scope?} or {id, text}.
 * Patches: see emulator/view/tree.py (insert/remove/move/attrs/text/events).
 */
(function () {
  'use strict';
  var nodes = new Map();        // node id -> DOM node (element or text)
  var root = null;              // the page's element
  var send = function () {};    // set when the channel is up
  var queue = [];               // messages sent before the channel was up
  var inspecting = false;
  var highlighted = null;
  // The shell's own elements, taken before any app node exists (an app element with the
  // same id must not stand in for them).
  var shell = {page: document.getElementById('page'), css: document.getElementById('page-css'),
               base: document.getElementById('base'), error: document.getElementById('page-error'),
               highlight: document.getElementById('swan-highlight')};
  var LONG_PRESS_MS = 350;      // [component/view.md] longpress after 350 ms
  var SWIPE_PX = 30;
  var SAFE_NAME = /^[a-zA-Z_][a-zA-Z0-9_:.-]*$/;            // a drag this long on a swiper is a swipe, not a tap
  var BOOL_ATTRS = {disabled: 1, checked: 1, plain: 1, loading: 1, password: 1,
                    hidden: 1, 'show-info': 1, 'indicator-dots': 1, autoplay: 1,
                    circular: 1, vertical: 1, 'scroll-x': 1, 'scroll-y': 1, selectable: 1,
                    active: 1, 'show-value': 1, 'auto-height': 1, focus: 1};
  var PLACEHOLDERS = {video: 1, map: 1, canvas: 1, camera: 1, 'live-player': 1,
                      'web-view': 1, audio: 1, 'ar-camera': 1, 'animation-view': 1,
                      'animation-video': 1, ad: 1, 'open-data': 1, 'movable-area': 0};
  var ICONS = {success: '✔', success_no_circle: '✓', info: 'ℹ', warn: '!', waiting: '◷',
               clear: '✕', search: '⌕', personal: '☺', setting: '⚙', top: '⤒',
               close: '✕', cancel: '✕', download: '⤓', checkboxSelected: '☑',
               radioSelected: '◉', radioUnselect: '○', loadingGrey: '◌'};

  function post(message) {
    if (send === null) { queue.push(message); } else { send(JSON.stringify(message)); }
  }

  function truthy(value) {
    return !(value === false || value === null || value === undefined || value === 'false');
  }

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
    if (json.scope) { el.setAttribute('data-swan-scope', json.scope); }
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

  // Mirrored children only: inner parts (a checkbox's box…) are not the core's nodes.
  function mirrored(parent) {
    return Array.prototype.filter.call(parent.__content.childNodes, function (c) {
      return c.__nid !== undefined;
    });
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

  // ---- built-in components' inner parts -----------------------------------------------------
  function inner(el, tag, cls) {
    var part = document.createElement(tag);
    part.className = cls;
    el.appendChild(part);
    return part;
  }

  var PARTS = {
    input: {
      build: function (el) { field(el, inner(el, 'input', 'swan-input-inner'), true); },
      update: function (el, a) { fieldUpdate(el, a); }
    },
    textarea: {
      build: function (el) { field(el, inner(el, 'textarea', 'swan-textarea-inner'), false); },
      update: function (el, a) { fieldUpdate(el, a); }
    },
    checkbox: {build: function (el) { inner(el, 'span', 'swan-checkbox-box'); }},
    radio: {build: function (el) { inner(el, 'span', 'swan-radio-box'); }},
    switch: {build: function (el) { inner(el, 'span', 'swan-switch-knob'); }},
    slider: {
      build: function (el) {
        var range = inner(el, 'input', 'swan-slider-inner');
        range.type = 'range';
        el.__input = range;
        var shown = inner(el, 'span', 'swan-slider-value');
        el.__shown = shown;
        range.addEventListener('input', function () {
          shown.textContent = range.value;
          post({type: 'changing', node: el.__nid, value: Number(range.value)});
        });
        range.addEventListener('change', function () {
          post({type: 'value', node: el.__nid, value: Number(range.value)});
        });
      },
      update: function (el, a) {
        var r = el.__input;
        r.min = a.min !== undefined ? a.min : 0;
        r.max = a.max !== undefined ? a.max : 100;
        r.step = a.step !== undefined ? a.step : 1;
        r.value = a.value !== undefined ? a.value : 0;
        r.disabled = truthy(a.disabled) && a.disabled !== undefined;
        el.__shown.textContent = r.value;
        if (a.activeColor || a['active-color']) {
          r.style.accentColor = a.activeColor || a['active-color'];
        }
      }
    },
    progress: {
      build: function (el) {
        var track = inner(el, 'span', 'swan-progress-track');
        el.__bar = document.createElement('span');
        el.__bar.className = 'swan-progress-bar';
        track.appendChild(el.__bar);
        el.__info = inner(el, 'span', 'swan-progress-info');
      },
      update: function (el, a) {
        var percent = Math.max(0, Math.min(100, Number(a.percent) || 0));
        el.__bar.style.width = percent + '%';
        var color = a.activeColor || a['active-color'] || a.color;
        if (color) { el.__bar.style.background = color; }
        var bg = a.backgroundColor || a['background-color'];
        if (bg) { el.__bar.parentNode.style.background = bg; }
        var stroke = a['stroke-width'] || a.strokeWidth;
        if (stroke) { el.__bar.parentNode.style.height = stroke + 'px'; }
        el.__info.textContent = truthy(a['show-info']) && a['show-info'] !== undefined
          ? percent + '%' : '';
      }
    },
    icon: {
      build: function (el) { el.__glyph = inner(el, 'span', 'swan-icon-glyph'); },
      update: function (el, a) {
        el.__glyph.textContent = ICONS[a.type] || '●';
        el.__glyph.style.fontSize = (Number(a.size) || 23) + 'px';
        if (a.color) { el.__glyph.style.color = a.color; }
      }
    },
    image: {
      build: function (el) {
        var img = inner(el, 'img', 'swan-image-inner');
        img.draggable = false;
        el.__img = img;
        img.addEventListener('load', function () {
          el.classList.remove('swan-image-failed');
          if (el.__events.indexOf('load') >= 0) {
            post({type: 'load', node: el.__nid,
                  detail: {width: img.naturalWidth, height: img.naturalHeight}});
          }
        });
        img.addEventListener('error', function () {
          // A device shows nothing for an image that did not load, not a broken icon.
          el.classList.add('swan-image-failed');
          if (el.__events.indexOf('error') >= 0) {
            post({type: 'error', node: el.__nid,
                  detail: {errMsg: 'GET ' + img.src + ' failed'}});
          }
        });
      },
      update: function (el, a) {
        var src = a.src ? String(a.src) : '';
        if (el.__img.getAttribute('src') !== src) {
          if (src) { el.__img.setAttribute('src', src); } else { el.__img.removeAttribute('src'); }
        }
        el.setAttribute('mode', a.mode || 'scaleToFill');
      }
    },
    'scroll-view': {
      build: function (el) {
        var timer = null;
        el.addEventListener('scroll', function () {
          if (timer !== null) { return; }
          timer = setTimeout(function () {
            timer = null;
            post({type: 'scroll', node: el.__nid, top: el.scrollTop, left: el.scrollLeft,
                  height: el.scrollHeight, width: el.scrollWidth,
                  clientHeight: el.clientHeight, clientWidth: el.clientWidth});
          }, 50);
        });
      },
      update: function (el, a) {
        var top = a['scroll-top'] !== undefined ? a['scroll-top'] : a.scrollTop;
        var left = a['scroll-left'] !== undefined ? a['scroll-left'] : a.scrollLeft;
        var into = a['scroll-into-view'] || a.scrollIntoView;
        requestAnimationFrame(function () {
          if (top !== undefined && top !== '') { el.scrollTop = Number(top) || 0; }
          else if (left !== undefined && left !== '') { el.scrollLeft = Number(left) || 0; }
          else if (into) {
            var target = el.querySelector('[id="' + String(into).replace(/"/g, '') + '"]');
            if (target) { el.scrollTop = target.offsetTop - el.offsetTop; }
          }
        });
      }
    },
    swiper: {
      build: function (el) {
        var track = inner(el, 'div', 'swan-swiper-track');
        el.__content = track;
        el.__dots = inner(el, 'div', 'swan-swiper-dots');
      },
      update: function (el, a) { swiperShow(el, a); swiperAutoplay(el, a); },
      children: function (el) { swiperShow(el, el.__attrs); }
    },
    'rich-text': {
      update: function (el, a) { richText(el, a.nodes); }
    }
  };

  // A text field's real <input>/<textarea>: what is typed goes to the core, which decides
  // the value (maxlength, number filtering) and sends it back as a patch.
  function field(el, box, confirmOnEnter) {
    el.__input = box;
    ['input', 'focus', 'blur'].forEach(function (type) {
      box.addEventListener(type, function () {
        post({type: type, node: el.__nid, value: box.value});
      });
    });
    if (confirmOnEnter) {
      box.addEventListener('keydown', function (e) {
        if (e.key === 'Enter') { post({type: 'confirm', node: el.__nid, value: box.value}); }
      });
    }
  }

  function fieldUpdate(el, a) {
    var box = el.__input;
    var value = a.value === undefined || a.value === null ? '' : String(a.value);
    if (box.value !== value) { box.value = value; }
    box.placeholder = a.placeholder ? String(a.placeholder) : '';
    if (box.tagName === 'INPUT') {
      box.type = truthy(a.password) && a.password !== undefined ? 'password'
        : (a.type === 'number' || a.type === 'digit' ? 'text' : 'text');
      box.inputMode = a.type === 'number' ? 'numeric' : (a.type === 'digit' ? 'decimal' : 'text');
    }
    box.disabled = a.disabled !== undefined && truthy(a.disabled);
    if (a['placeholder-style']) { box.setAttribute('data-placeholder-style', a['placeholder-style']); }
  }

  // [component/swiper.md]: autoplay moves to the next item every `interval` ms; the core
  // decides what that does (change {source: 'autoplay'}), as for a swipe.
  function swiperAutoplay(el, a) {
    var on = a.autoplay !== undefined && truthy(a.autoplay);
    var interval = Math.max(Number(a.interval) || 5000, 200);
    if (el.__autoplay && (!on || el.__autoplayEvery !== interval)) {
      clearInterval(el.__autoplay);
      el.__autoplay = null;
    }
    if (on && !el.__autoplay) {
      el.__autoplayEvery = interval;
      el.__autoplay = setInterval(function () {
        if (!el.isConnected) { clearInterval(el.__autoplay); el.__autoplay = null; return; }
        post({type: 'swipe', node: el.__nid, step: 1, source: 'autoplay'});
      }, interval);
    }
  }

  function swiperShow(el, a) {
    var items = mirrored(el);
    var current = Number(a.current) || 0;
    var wanted = a['current-item-id'] || a.currentItemId;
    if (wanted) {
      items.forEach(function (item, i) {
        if (item.__attrs && (item.__attrs['item-id'] || item.__attrs.itemId) === wanted) { current = i; }
      });
    }
    if (current >= items.length) { current = Math.max(0, items.length - 1); }
    var vertical = a.vertical !== undefined && truthy(a.vertical);
    el.__content.style.flexDirection = vertical ? 'column' : 'row';
    el.__content.style.transform = vertical ? 'translateY(' + (-100 * current) + '%)'
      : 'translateX(' + (-100 * current) + '%)';
    var dots = el.__dots;
    dots.textContent = '';
    if (a['indicator-dots'] !== undefined && truthy(a['indicator-dots'])) {
      items.forEach(function (_item, i) {
        var dot = document.createElement('span');
        dot.className = 'swan-swiper-dot';
        dot.style.background = i === current
          ? (a['indicator-active-color'] || '#333') : (a['indicator-color'] || 'rgba(0,0,0,.3)');
        dots.appendChild(dot);
      });
    }
  }

  // [component/base_rich-text.md]: nodes Array (element {name, attrs, children} / text
  // {type:'text', text}) or an HTML string; untrusted tags are dropped with their subtree.
  var RICH_TAGS = ['a', 'abbr', 'b', 'blockquote', 'br', 'code', 'col', 'colgroup', 'dd', 'del',
    'div', 'dl', 'dt', 'em', 'fieldset', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
    'ins', 'label', 'legend', 'li', 'ol', 'p', 'q', 'span', 'strong', 'sub', 'sup', 'table',
    'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'font', 'big', 'small', 'u', 's', 'pre'];

  function richText(el, value) {
    el.textContent = '';
    var list = value;
    if (typeof value === 'string') {
      var doc = new DOMParser().parseFromString(value, 'text/html');
      list = fromDom(doc.body.childNodes);
    }
    if (!Array.isArray(list)) { return; }
    list.forEach(function (n) { var made = richNode(n); if (made) { el.appendChild(made); } });
  }

  function fromDom(children) {
    var out = [];
    Array.prototype.forEach.call(children, function (c) {
      if (c.nodeType === 3) { out.push({type: 'text', text: c.textContent}); return; }
      if (c.nodeType !== 1) { return; }
      var attrs = {};
      Array.prototype.forEach.call(c.attributes, function (at) { attrs[at.name] = at.value; });
      out.push({name: c.tagName.toLowerCase(), attrs: attrs, children: fromDom(c.childNodes)});
    });
    return out;
  }

  function richNode(n) {
    if (!n || typeof n !== 'object') { return null; }
    if (n.type === 'text') { return document.createTextNode(String(n.text || '')); }
    var name = String(n.name || '').toLowerCase();
    if (RICH_TAGS.indexOf(name) < 0) { return null; }
    var made = document.createElement(name);
    var attrs = n.attrs || {};
    ['class', 'style', 'src', 'width', 'height', 'alt', 'colspan', 'rowspan'].forEach(function (k) {
      if (attrs[k] === undefined) { return; }
      if (k === 'src' && !/^https?:/.test(String(attrs[k]))) { return; }  // network images only
      made.setAttribute(k, String(attrs[k]));
    });
    (n.children || []).forEach(function (c) { var m = richNode(c); if (m) { made.appendChild(m); } });
    return made;
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

  // ---- gestures -----------------------------------------------------------------------------
  function nodeOf(domNode) {
    while (domNode && domNode !== document.body) {
      if (domNode.__nid !== undefined && domNode.nodeType === 1) { return domNode; }
      domNode = domNode.parentNode;
    }
    return null;
  }

  function wants(el, type) {
    for (var n = el; n && n !== document.body; n = n.parentNode) {
      if (n.__events && n.__events.indexOf(type) >= 0) { return true; }
    }
    return false;
  }

  function touch(e, el) {
    var r = el.getBoundingClientRect();
    return {identifier: 0, pageX: e.pageX, pageY: e.pageY, clientX: e.clientX,
            clientY: e.clientY, offsetX: e.clientX - r.left, offsetY: e.clientY - r.top};
  }

  var pressed = null;

  document.addEventListener('pointerdown', function (e) {
    var el = nodeOf(e.target);
    if (!el || inspecting) { return; }
    var state = {el: el, long: false, timer: null, hover: hoverTarget(el),
                 x: e.clientX, y: e.clientY};
    pressed = state;
    if (state.hover) { state.hover.el.classList.add(state.hover.cls); }
    if (wants(el, 'touchstart')) {
      post({type: 'touchstart', node: el.__nid, touches: [touch(e, el)]});
    }
    state.timer = setTimeout(function () {
      state.long = true;
      post({type: 'longpress', node: el.__nid, x: e.pageX, y: e.pageY,
            touches: [touch(e, el)]});
    }, LONG_PRESS_MS);
  }, true);

  var moving = false;
  document.addEventListener('pointermove', function (e) {
    if (!pressed || moving || !wants(pressed.el, 'touchmove')) { return; }
    moving = true;
    var el = pressed.el;
    requestAnimationFrame(function () {
      moving = false;
      post({type: 'touchmove', node: el.__nid, touches: [touch(e, el)]});
    });
  }, true);

  document.addEventListener('pointerup', function (e) {
    var state = pressed;
    pressed = null;
    if (!state) { return; }
    clearTimeout(state.timer);
    if (state.hover) {
      var h = state.hover;
      setTimeout(function () { h.el.classList.remove(h.cls); }, h.stay);
    }
    if (wants(state.el, 'touchend')) {
      post({type: 'touchend', node: state.el.__nid, touches: [],
            changedTouches: [touch(e, state.el)]});
    }
    state.ended = true;
    lastPress = state;
    var swiper = swiperOf(state.el);
    if (swiper) {
      var vertical = swiper.__attrs.vertical !== undefined && truthy(swiper.__attrs.vertical);
      var moved = vertical ? e.clientY - state.y : e.clientX - state.x;
      if (Math.abs(moved) > SWIPE_PX) {
        state.swiped = true;  // a swipe is no tap
        post({type: 'swipe', node: swiper.__nid, step: moved < 0 ? 1 : -1, source: 'touch'});
      }
    }
  }, true);

  function swiperOf(el) {
    for (var n = el; n && n !== document.body; n = n.parentNode) {
      if (n.__tag === 'swiper') { return n; }
    }
    return null;
  }

  var lastPress = null;

  document.addEventListener('click', function (e) {
    var el = nodeOf(e.target);
    if (!el) { return; }
    if (inspecting) {
      e.preventDefault();
      e.stopPropagation();
      highlight(el.__nid);
      post({type: 'inspect', node: el.__nid});
      return;
    }
    if (lastPress && (lastPress.long || lastPress.swiped) && lastPress.el === el) {
      lastPress = null;
      return;
    }
    lastPress = null;
    // A click on a slider's range is its own gesture; typing fields still get their tap.
    if (el.__tag === 'slider') { return; }
    post({type: 'tap', node: el.__nid, x: e.pageX, y: e.pageY});
  }, true);

  // [component/view.md, button.md, navigator.md]: hover-class while pressed.
  function hoverTarget(el) {
    for (var n = el; n && n !== document.body; n = n.parentNode) {
      if (!n.__attrs) { continue; }
      var cls = n.__attrs['hover-class'];
      var dflt = n.__tag === 'button' ? 'button-hover'
        : (n.__tag === 'navigator' ? 'navigator-hover' : 'none');
      cls = cls === undefined ? dflt : String(cls);
      if (n.__attrs.disabled !== undefined && truthy(n.__attrs.disabled)) { return null; }
      if (cls && cls !== 'none') {
        var stay = Number(n.__attrs['hover-stay-time']);
        if (!(stay >= 0)) { stay = n.__tag === 'button' ? 70 : 400; }
        return {el: n, cls: cls, stay: stay};
      }
      if (n.__attrs['hover-stop-propagation'] !== undefined) { return null; }
    }
    return null;
  }

  var scrollTimer = null;
  window.addEventListener('scroll', function () {
    if (scrollTimer !== null) { return; }
    scrollTimer = setTimeout(function () {
      scrollTimer = null;
      post({type: 'pagescroll', top: window.scrollY,
            height: document.documentElement.scrollHeight, viewport: window.innerHeight});
    }, 50);
  });

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

  window.swanMirror = {
    reset: reset,
    apply: apply,
    highlight: function (id) { reveal(id); },
    unhighlight: function () { highlight(null); },
    inspect: function (on) { inspecting = !!on; document.body.classList.toggle('swan-inspecting', !!on); },
    box: box,
    scrollTo: function (top) { window.scrollTo(0, top); },
    setCss: function (css) { shell.css.textContent = css || ''; },
    count: function () { return nodes.size; }
  };

  function connect() {
    if (typeof QWebChannel === 'undefined' || typeof qt === 'undefined') { return; }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      var host = channel.objects.host;
      send = function (text) { host.send(text); };
      queue.splice(0).forEach(function (m) { send(JSON.stringify(m)); });
      host.send(JSON.stringify({type: 'ready'}));
    });
  }
  send = null;
  connect();
})();

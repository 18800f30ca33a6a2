/* The built-in components' inner parts (a real <input> to type into, a checkbox's box, a
 * slider's range, a swiper's track, rich-text's sanitised nodes): built once per element,
 * updated from its attributes. What a user does to them goes to the core as messages. */
(function (S) {
  'use strict';
  var post = S.post, truthy = S.truthy, mirrored = S.mirrored;
  var ICONS = {success: '✔', success_no_circle: '✓', info: 'ℹ', warn: '!', waiting: '◷',
               clear: '✕', search: '⌕', personal: '☺', setting: '⚙', top: '⤒',
               close: '✕', cancel: '✕', download: '⤓', checkboxSelected: '☑',
               radioSelected: '◉', radioUnselect: '○', loadingGrey: '◌'};

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

  S.PARTS = PARTS;
})(window.__swanMirror);

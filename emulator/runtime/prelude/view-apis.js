// APIs whose answers come from the rendered page: selector queries, intersection
// observers, animations, canvas contexts [api/show/*]. Until the page is rendered (the
// view layer), a query finds a zero-size node where the page's templates declare one
// (null / [] elsewhere), the viewport is the emulated window, an observer never fires,
// an animation exports its steps and a canvas records its calls.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  // Template path -> {ids, classes, tags} it declares: the start page's come with init,
  // another page's ahead of the navigation that opens it (navigation.js).
  const outlines = Object.create(null);
  host.onInit.push(function (p) { Object.assign(outlines, p.outlines || {}); });
  host.entries.outlines = function (p) { Object.assign(outlines, p); };

  // Whether the templates of `scope` (a page or component instance; default the current
  // page, with its components) declare an element the selector's last part matches.
  function declared(selector, scope) {
    const owner = scope || (global.getCurrentPages().slice(-1)[0]);
    if (!owner) return false;
    const paths = [owner.is || owner.route];
    if (!scope || !scope.__page__) for (const c of owner.__components__ || []) paths.push(c.is);
    const last = String(selector).trim().split(/[\s>+~]+/).pop() || '';
    const parts = last.match(/[#.]?[\w-]+/g) || [];
    if (!parts.length) return false;
    return paths.some(function (path) {
      const o = outlines[path];
      if (!o) return false;
      return parts.every(function (part) {
        if (part[0] === '#') return o.ids.indexOf(part.slice(1)) >= 0;
        if (part[0] === '.') return o.classes.indexOf(part.slice(1)) >= 0;
        return o.tags.indexOf(part) >= 0;
      });
    });
  }

  function viewport() {
    const info = host.state.systemInfo;
    const width = info.windowWidth || 0;
    const height = info.windowHeight || 0;
    return { left: 0, top: 0, right: width, bottom: height, width: width, height: height };
  }

  // ---- SelectorQuery / NodesRef [api/show/query_*] --------------------------------------
  function makeQuery() {
    const requests = []; // {kind, selector, field, options, cb}
    let scope = null;
    const query = {
      in: function (component) { scope = component || null; return query; },
      select: function (selector) { return nodesRef('select', selector); },
      selectAll: function (selector) { return nodesRef('selectAll', selector); },
      selectViewport: function () { return nodesRef('viewport', ''); },
      exec: function (cb) {
        const results = requests.map(answer);
        host.later(function () {
          requests.forEach(function (r, i) {
            if (typeof r.cb === 'function') host.callUser(r.cb, undefined, [results[i]], 'SelectorQuery callback');
          });
          if (typeof cb === 'function') host.callUser(cb, undefined, [results], 'SelectorQuery.exec callback');
        });
        return query;
      },
    };
    function nodesRef(kind, selector) {
      const add = function (field) {
        return function (a, b) {
          const options = field === 'fields' ? (a || {}) : null;
          requests.push({ kind: kind, selector: selector, field: field, options: options, cb: field === 'fields' ? b : a });
          return query;
        };
      };
      return {
        boundingClientRect: add('rect'),
        scrollOffset: add('scroll'),
        fields: add('fields'),
        node: add('node'),
        context: add('context'),
      };
    }
    function answer(r) {
      const isViewport = r.kind === 'viewport';
      if (!isViewport && !declared(r.selector, scope)) return r.kind === 'select' ? null : [];
      const out = {};
      const wants = r.field === 'fields' ? r.options : { rect: r.field === 'rect', scrollOffset: r.field === 'scroll' };
      const box = isViewport ? viewport() : { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0 };
      if (wants.rect) Object.assign(out, box);
      if (wants.size) Object.assign(out, { width: box.width, height: box.height });
      if (wants.scrollOffset) Object.assign(out, { scrollLeft: 0, scrollTop: isViewport ? host.pageScrollTop() : 0 });
      if (wants.id) out.id = (/#([\w-]+)$/.exec(String(r.selector)) || ['', ''])[1];
      if (wants.dataset) out.dataset = {};
      return r.kind === 'selectAll' ? [out] : out;
    }
    return query;
  }
  impl.createSelectorQuery = function () { return makeQuery(); };
  host.implementClass('SelectorQuery', ['in', 'select', 'selectAll', 'selectViewport', 'exec']);
  host.implementClass('NodesRef', ['boundingClientRect', 'scrollOffset', 'fields']);

  // ---- IntersectionObserver -------------------------------------------------------------
  // swan.createIntersectionObserver(component?, options): the docs give one options
  // argument; WeChat-style code passes the component first.
  impl.createIntersectionObserver = function () {
    const observer = {
      relativeTo: function () { return observer; },
      relativeToViewport: function () { return observer; },
      observe: function () {},
      disconnect: function () {},
    };
    return observer;
  };
  host.implementClass('IntersectionObserver', ['relativeTo', 'relativeToViewport', 'observe', 'disconnect']);

  // ---- Animation [api/show/animation-*] -------------------------------------------------
  const ANIMATION_METHODS = ['opacity', 'backgroundColor', 'width', 'height', 'top', 'left', 'bottom',
    'right', 'rotate', 'rotateX', 'rotateY', 'rotateZ', 'rotate3d', 'scale', 'scaleX', 'scaleY',
    'scaleZ', 'scale3d', 'translate', 'translateX', 'translateY', 'translateZ', 'translate3d',
    'skew', 'skewX', 'skewY', 'matrix', 'matrix3d'];

  impl.createAnimation = function (o) {
    o = host.options(o);
    const defaults = {
      duration: o.duration === undefined ? 400 : o.duration,
      timingFunction: o.timingFunction || 'linear',
      delay: o.delay || 0,
      transformOrigin: o.transformOrigin || '50% 50% 0',
    };
    let current = [];
    let actions = [];
    const animation = {
      step: function (s) {
        actions.push({ animates: current, option: Object.assign({}, defaults, host.options(s)) });
        current = [];
        return animation;
      },
      export: function () {
        if (current.length) animation.step();
        const out = { actions: actions };
        actions = [];
        return out;
      },
    };
    for (const m of ANIMATION_METHODS) {
      animation[m] = function () {
        current.push({ type: m, args: Array.prototype.slice.call(arguments) });
        return animation;
      };
    }
    return animation;
  };
  host.implementClass('Animation', ANIMATION_METHODS.concat(['step', 'export']));

  // ---- CanvasContext --------------------------------------------------------------------
  const CANVAS_METHODS = ['setFillStyle', 'setStrokeStyle', 'setShadow', 'addColorStop',
    'setLineWidth', 'setLineCap', 'setLineJoin', 'setLineDash', 'setLineDashOffset',
    'setMiterLimit', 'rect', 'fillRect', 'strokeRect', 'clearRect', 'fill', 'stroke',
    'beginPath', 'closePath', 'moveTo', 'lineTo', 'arc', 'bezierCurveTo', 'quadraticCurveTo',
    'scale', 'rotate', 'translate', 'transform', 'setTransform', 'clip', 'setFontSize', 'font',
    'fillText', 'strokeText', 'setTextAlign', 'setTextBaseline', 'drawImage', 'setGlobalAlpha',
    'save', 'restore'];

  // Records the drawing calls; draw() succeeds (the picture appears once pages render).
  impl.createCanvasContext = function (canvasId) {
    let pending = [];
    let fontSize = 10;
    const ctx = { canvasId: canvasId, actions: [] };
    for (const m of CANVAS_METHODS) {
      ctx[m] = function () {
        const args = Array.prototype.slice.call(arguments);
        if (m === 'setFontSize') fontSize = Number(args[0]) || fontSize;
        pending.push({ method: m, data: args });
      };
    }
    const gradient = function () {
      const stops = [];
      return { addColorStop: function (offset, color) { stops.push([offset, color]); }, stops: stops };
    };
    ctx.createLinearGradient = gradient;
    ctx.createCircularGradient = gradient;
    // Width only, as documented; an estimate until text is laid out for real.
    ctx.measureText = function (text) { return { width: String(text).length * fontSize * 0.6 }; };
    ctx.draw = function (reserve, callback) {
      ctx.actions = reserve ? ctx.actions.concat(pending) : pending;
      pending = [];
      if (typeof reserve === 'function') callback = reserve;
      if (typeof callback === 'function') host.later(function () { host.callUser(callback, undefined, [], 'CanvasContext.draw callback'); });
    };
    return ctx;
  };
  host.implementClass('CanvasContext', CANVAS_METHODS.concat(['createLinearGradient', 'createCircularGradient', 'measureText', 'draw']));
})(globalThis, globalThis.__swan_host__);

/* The user's gestures on the page as messages to Python ("tap on node 17 at x,y", a long
 * press, touches, a swipe, page scrolling, Inspect's selection), and the QWebChannel they
 * travel on. The core decides what each one does. */
(function (S) {
  'use strict';
  var post = S.post, truthy = S.truthy;
  var LONG_PRESS_MS = 350;  // [component/view.md] longpress after 350 ms
  var SWIPE_PX = 30;        // a drag this long on a swiper is a swipe, not a tap

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
    if (!el || S.inspecting) { return; }
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
    if (S.inspecting) {
      e.preventDefault();
      e.stopPropagation();
      S.highlight(el.__nid);
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

  function connect() {
    if (typeof QWebChannel === 'undefined' || typeof qt === 'undefined') { return; }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      var host = channel.objects.host;
      S.send = function (text) { host.send(text); };
      S.queue.splice(0).forEach(function (m) { S.send(JSON.stringify(m)); });
      host.send(JSON.stringify({type: 'ready'}));
    });
  }
  connect();
})(window.__swanMirror);

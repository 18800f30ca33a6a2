/* The web view's copy of the core's node tree (emulator/view/tree.py), and the way user
 * gestures get back to the core. This file: the state and helpers the others share
 * (window.__swanMirror); parts.js: the built-in components' inner parts; tree.js: the
 * elements and the patches (window.swanMirror, called from Python); input.js: the user's
 * gestures as messages, and the channel to Python. Loaded in that order.
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
window.__swanMirror = (function () {
  'use strict';
  var S = {
    nodes: new Map(),   // node id -> DOM node (element or text)
    inspecting: false,  // Inspect mode: clicks select, they do not tap
    send: null,         // set when the channel is up
    queue: [],          // messages posted before the channel was up
    // The shell's own elements, taken before any app node exists (an app element with
    // the same id must not stand in for them).
    shell: {page: document.getElementById('page'), css: document.getElementById('page-css'),
            base: document.getElementById('base'), error: document.getElementById('page-error'),
            highlight: document.getElementById('swan-highlight')}
  };

  S.post = function (message) {
    if (S.send === null) { S.queue.push(message); } else { S.send(JSON.stringify(message)); }
  };

  S.truthy = function (value) {
    return !(value === false || value === null || value === undefined || value === 'false');
  };

  // Mirrored children only: inner parts (a checkbox's box…) are not the core's nodes.
  S.mirrored = function (parent) {
    return Array.prototype.filter.call(parent.__content.childNodes, function (c) {
      return c.__nid !== undefined;
    });
  };

  return S;
})();

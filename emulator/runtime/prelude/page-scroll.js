// The page's scroll position as the view last reported it (emulator/app/page_gestures.py
// sends it on every scroll): what `swan.createSelectorQuery().selectViewport()
// .scrollOffset()` answers for the page on screen [api/show/query_*].
(function (global, host) {
  'use strict';

  const stack = global.getCurrentPages;

  host.entries.pageScroll = function (p) {
    const page = stack().find(function (x) { return x.__id__ === p.pageId; });
    if (page) Object.defineProperty(page, '__scrollTop__', { value: p.scrollTop, writable: true, configurable: true });
  };

  host.pageScrollTop = function () {
    const page = stack().slice(-1)[0];
    return page && typeof page.__scrollTop__ === 'number' ? page.__scrollTop__ : 0;
  };
})(globalThis, globalThis.__swan_host__);

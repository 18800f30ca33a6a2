// Navigation APIs: navigateTo, redirectTo, navigateBack, switchTab, reLaunch
// [api/show/tab_swan-*.md; framework/app_service_route*.md], and the event channel
// between an opener and the page it opened.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const pages = host.pages;
  const config = pages.config;
  const stack = pages.stack;
  const tabPages = pages.tabPages;
  const top = pages.top;
  // The docs state no limit; the platform stops at 10, like WeChat (platform-apis.md §8).
  const MAX_STACK = 10;

  function argError(reason) { return { code: host.ERR_ARGS, reason: reason }; }
  function failed(reason) { return { code: host.ERR_FAILED, reason: reason }; }

  // An API that changes the stack: runs as a step; its hooks run as the steps after it;
  // then the caller hears success or fail.
  function navigation(api, run) {
    impl[api] = function (o) {
      o = host.options(o);
      const from = top() ? top().route : '';
      if (typeof o.url === 'string') {
        // The page's template outlines (selector queries) come before the step below.
        const t = pages.parseUrl(o.url, from);
        if (t.route && !t.error) host.post('outlines.want', 0, { route: t.route });
      }
      host.step(function () {
        let err;
        let extra = {};
        try {
          const out = run(o, from) || {};
          err = out.error;
          extra = out.res || {};
        } catch (e) {
          host.reportError(e, 'swan.' + api);
          err = failed(host.errorInfo(e).message);
        }
        host.step(function () {
          pages.publishStack();
          if (err) host.finish(api, o, false, { errCode: err.code, errMsg: api + ':fail ' + err.reason });
          else host.finish(api, o, true, Object.assign({ errMsg: api + ':ok' }, extra));
        }, 'swan.' + api);
      }, 'swan.' + api, true);
    };
  }

  // Parses the target and loads its page file, so a broken page fails the call before
  // anything on screen changes; a page that is not there fires onPageNotFound.
  function target(o, from) {
    const t = pages.parseUrl(o.url, from);
    if (t.notFound) {
      pages.pageNotFound(t, false);
      return { error: failed(t.error) };
    }
    if (t.error) return { error: argError(t.error) };
    try {
      pages.definition(t.route, 'page');
    } catch (e) {
      host.problem(t.route + '.js', host.errorInfo(e).message);
      pages.pageNotFound({ path: t.route, query: t.query }, false);
      return { error: failed('page "' + t.route + '" is not found') };
    }
    return t;
  }

  function isTab(route) { return config.tabBar.indexOf(route) >= 0; }

  navigation('navigateTo', function (o, from) {
    const t = target(o, from);
    if (t.error) return t;
    if (isTab(t.route)) return { error: failed('can not navigateTo a tabbar page') };
    if (stack.length >= MAX_STACK) return { error: failed('page stack limit (' + MAX_STACK + ') exceeded') };
    if (top()) pages.lifecycle(top(), 'onHide');
    const channel = makeChannel(o.events);
    pages.open(t.route, t.query, function (page) { channels.set(page, channel); });
    return { res: { eventChannel: channel } };
  });

  navigation('redirectTo', function (o, from) {
    const t = target(o, from);
    if (t.error) return t;
    if (isTab(t.route)) return { error: failed('can not redirectTo a tabbar page') };
    if (stack.length) pages.unload(stack.pop());
    pages.open(t.route, t.query);
    return null;
  });

  navigation('navigateBack', function (o) {
    let delta = o.delta === undefined ? 1 : Math.floor(Number(o.delta));
    if (!(delta >= 1)) delta = 1;
    if (stack.length <= 1) return { error: failed('cannot navigate back at first page') };
    delta = Math.min(delta, stack.length - 1);
    for (let i = 0; i < delta; i++) pages.unload(stack.pop());
    pages.lifecycle(top(), 'onShow');
    return null;
  });

  navigation('switchTab', function (o, from) {
    const t = target(o, from);
    if (t.error) return t;
    if (!isTab(t.route)) return { error: failed('can only switchTab to a tabbar page') };
    if (top() && top().route === t.route) return null;
    while (stack.length) {
      const p = stack.pop();
      if (tabPages.get(p.route) === p) pages.lifecycle(p, 'onHide');
      else pages.unload(p);
    }
    const page = tabPages.get(t.route);
    if (page) {
      stack.push(page);
      pages.lifecycle(page, 'onShow');
    } else {
      pages.openTab(t.route);
    }
    return null;
  });

  navigation('reLaunch', function (o, from) {
    const t = target(o, from);
    if (t.error) return t;
    const alive = new Set(stack.concat(Array.from(tabPages.values())));
    stack.length = 0;
    tabPages.clear();
    for (const p of alive) pages.lifecycle(p, 'onUnload');
    if (isTab(t.route)) pages.openTab(t.route);
    else pages.open(t.route, t.query);
    return null;
  });

  // ---- event channel: navigateTo({events}) <-> getOpenerEventChannel() ------------------
  const channels = new WeakMap(); // page -> the channel of the navigateTo that opened it

  function makeChannel(events) {
    const listeners = Object.create(null);
    const channel = {
      on: function (name, fn) {
        if (typeof fn === 'function') (listeners[name] = listeners[name] || []).push({ fn: fn, once: false });
      },
      once: function (name, fn) {
        if (typeof fn === 'function') (listeners[name] = listeners[name] || []).push({ fn: fn, once: true });
      },
      off: function (name, fn) {
        if (!listeners[name]) return;
        listeners[name] = fn === undefined ? [] : listeners[name].filter(function (l) { return l.fn !== fn; });
      },
      emit: function (name) {
        const args = Array.prototype.slice.call(arguments, 1);
        const list = (listeners[name] || []).slice();
        listeners[name] = (listeners[name] || []).filter(function (l) { return !l.once; });
        for (const l of list) host.callUser(l.fn, undefined, args, 'eventChannel ' + name + ' listener');
      },
    };
    if (events && typeof events === 'object') {
      for (const k of Object.keys(events)) channel.on(k, events[k]);
    }
    return channel;
  }

  // A page not opened by navigateTo gets a channel nobody listens to.
  host.eventChannelOf = function (page) {
    if (!channels.has(page)) channels.set(page, makeChannel(null));
    return channels.get(page);
  };

  host.entries.navigate = function (p) {
    const fn = impl[p.api];
    if (typeof fn === 'function') fn({ url: p.url, delta: p.delta });
  };
})(globalThis, globalThis.__swan_host__);

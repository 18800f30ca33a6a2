// The rest of the host: navigation bar, tab bar, page scroll and pull-down refresh (shown
// by the window, printed headless), clipboard, phone, vibration, screen, environment, menu
// button, ext config, update manager, page info for search [api/show/*;
// api/device_sys/*; api/open/*].
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const ARGS = host.ERR_ARGS;
  const state = { clipboard: '', brightness: 0.5, appKey: '', subPackages: [], extConfig: {} };
  host.onInit.push(function (p) {
    state.appKey = p.appKey || '';
    state.subPackages = p.subPackages || [];
    state.extConfig = p.extConfig || {};
  });

  function isString(v) { return typeof v === 'string'; }
  function isColor(v) { return isString(v) && /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v); }

  // ---- navigation bar, tab bar, page: the host shows them ---------------------------
  impl.setNavigationBarColor = host.uiCall('setNavigationBarColor', function (o) {
    // ARGUMENTS_CHECK_API_ERROR [appendix/error.md]: frontColor is black or white only.
    if (['#ffffff', '#000000'].indexOf(String(o.frontColor).toLowerCase()) < 0) {
      return 'parameter error: frontColor must be #ffffff or #000000';
    }
    return isColor(o.backgroundColor) ? null : 'parameter error: backgroundColor must be a hex colour';
  });
  impl.showNavigationBarLoading = host.uiCall('showNavigationBarLoading');
  impl.hideNavigationBarLoading = host.uiCall('hideNavigationBarLoading');

  // Tab bar APIs fail when the app has no tab bar or the index is not one of its items.
  function tabIndex(o) {
    const count = host.pages.config.tabBar.length;
    if (!count) return 'the app has no tabBar';
    if (typeof o.index !== 'number' || o.index < 0 || o.index >= count || Math.floor(o.index) !== o.index) {
      return 'parameter error: index must be 0 to ' + (count - 1);
    }
    return null;
  }
  function noTabBar() { return host.pages.config.tabBar.length ? null : 'the app has no tabBar'; }
  impl.setTabBarBadge = host.uiCall('setTabBarBadge', function (o) {
    return tabIndex(o) || (isString(o.text) ? null : 'parameter error: text must be a string');
  });
  impl.removeTabBarBadge = host.uiCall('removeTabBarBadge', tabIndex);
  impl.showTabBarRedDot = host.uiCall('showTabBarRedDot', tabIndex);
  impl.hideTabBarRedDot = host.uiCall('hideTabBarRedDot', tabIndex);
  impl.setTabBarItem = host.uiCall('setTabBarItem', tabIndex);
  impl.setTabBarStyle = host.uiCall('setTabBarStyle', noTabBar);
  impl.showTabBar = host.uiCall('showTabBar', noTabBar);
  impl.hideTabBar = host.uiCall('hideTabBar', noTabBar);

  impl.pageScrollTo = host.uiCall('pageScrollTo', function (o) {
    return typeof o.scrollTop === 'number' ? null : 'parameter error: scrollTop must be a number';
  });
  impl.startPullDownRefresh = host.uiCall('startPullDownRefresh');
  impl.stopPullDownRefresh = host.uiCall('stopPullDownRefresh');
  impl.setBackgroundColor = host.uiCall('setBackgroundColor');
  impl.setBackgroundTextStyle = host.uiCall('setBackgroundTextStyle', function (o) {
    return o.textStyle === 'dark' || o.textStyle === 'light' ? null : 'parameter error: textStyle must be dark or light';
  });
  impl.makePhoneCall = host.uiCall('makePhoneCall', function (o) {
    return isString(o.phoneNumber) && o.phoneNumber ? null : 'parameter error: phoneNumber must be a non-empty string';
  });

  // setPageInfo: title, keywords and description are required [api/open/swan-setPageInfo.md].
  impl.setPageInfo = host.uiCall('setPageInfo', function (o) {
    const missing = ['title', 'keywords', 'description'].filter(function (k) { return !isString(o[k]) || !o[k]; });
    return missing.length ? 'parameter error: ' + missing.join(', ') + ' required' : null;
  });
  impl.setMetaDescription = host.uiCall('setMetaDescription');
  impl.setMetaKeywords = host.uiCall('setMetaKeywords');
  impl.setDocumentTitle = host.uiCall('setDocumentTitle');

  // ---- device state kept here ---------------------------------------------------------
  impl.setClipboardData = function (o) {
    o = host.options(o);
    if (!isString(o.data)) return host.fail('setClipboardData', o, ARGS, 'parameter error: data must be a string');
    state.clipboard = o.data;
    host.succeed('setClipboardData', o);
  };
  impl.getClipboardData = function (o) { host.succeed('getClipboardData', o, { data: state.clipboard }); };
  impl.vibrateLong = function (o) { host.succeed('vibrateLong', o); };
  impl.vibrateShort = function (o) { host.succeed('vibrateShort', o); };
  impl.setKeepScreenOn = function (o) { host.succeed('setKeepScreenOn', o); };
  impl.setScreenBrightness = function (o) {
    o = host.options(o);
    if (typeof o.value !== 'number' || o.value < 0 || o.value > 1) {
      return host.fail('setScreenBrightness', o, ARGS, 'parameter error: value must be a number from 0 to 1');
    }
    state.brightness = o.value;
    host.succeed('setScreenBrightness', o);
  };
  impl.getScreenBrightness = function (o) { host.succeed('getScreenBrightness', o, { value: state.brightness }); };

  // ---- environment ----------------------------------------------------------------------
  // [api/device_sys/swan-getEnvInfoSync.md]; env is "development" as in the devtools.
  impl.getEnvInfoSync = function () {
    return {
      appKey: state.appKey, appName: host.state.systemInfo.appName || '', lastAppURL: '',
      sdkVersion: host.state.baseVersion, scheme: 'baiduboxapp', env: 'development',
    };
  };

  // The "capsule" menu button of the navigation bar, in px (choice: the devtools' size).
  impl.getMenuButtonBoundingClientRect = function () {
    const info = host.state.systemInfo;
    const width = 87;
    const height = 32;
    const top = (info.statusBarHeight || 20) + 6;
    const right = (info.windowWidth || 375) - 7;
    return { width: width, height: height, top: top, right: right, bottom: top + height, left: right - width };
  };

  // ext.json's `ext` (third-party platform apps); {} when the app has none.
  impl.getExtConfigSync = function () { return { extConfig: JSON.parse(JSON.stringify(state.extConfig)) }; };
  impl.getExtConfig = function (o) { host.succeed('getExtConfig', o, impl.getExtConfigSync()); };

  impl.loadSubPackage = function (o) {
    o = host.options(o);
    const root = isString(o.root) ? o.root.replace(/^\/+|\/+$/g, '') : '';
    if (state.subPackages.indexOf(root) < 0) {
      return host.fail('loadSubPackage', o, ARGS, 'parameter error: no subpackage "' + String(o.root) + '"');
    }
    host.succeed('loadSubPackage', o);  // every package file is already loaded here
  };

  impl.setEnableDebug = function (o) { host.succeed('setEnableDebug', o); };
  impl.reportAnalytics = function () {};
  impl.nextTick = function (fn) { if (typeof fn === 'function') host.later(function () { host.callUser(fn, undefined, [], 'nextTick callback'); }); };

  // The devtools only simulate updates: none is ever found [devtools/diff.md].
  let updateManager = null;
  impl.getUpdateManager = function () {
    if (updateManager) return updateManager;
    updateManager = {
      onCheckForUpdate: function (fn) {
        if (typeof fn === 'function') host.later(function () { host.callUser(fn, undefined, [{ hasUpdate: false }], 'onCheckForUpdate callback'); });
      },
      onUpdateReady: function () {},
      onUpdateFailed: function () {},
      applyUpdate: function () { return undefined; },  // no update is ready
    };
    return updateManager;
  };
  host.implementClass('UpdateManager', ['onCheckForUpdate', 'onUpdateReady', 'onUpdateFailed', 'applyUpdate']);
})(globalThis, globalThis.__swan_host__);

// Account, authorisation and payment APIs: arguments checked here, answered by the
// emulated account on the Python side (emulator/swan/account.py).
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const SCOPES = ['scope.userInfo', 'scope.userLocation', 'scope.writePhotosAlbum', 'scope.address',
    'scope.invoiceTitle', 'scope.record', 'scope.camera'];
  // [api/open/payment_swan-requestPolymerPayment.md]; bizInfo is optional.
  const ORDER_FIELDS = ['dealId', 'appKey', 'totalAmount', 'tpOrderId', 'dealTitle', 'signFieldsRange', 'rsaSign'];

  const account = { isLogin: true };
  host.onInit.push(function (p) { if (p.account) Object.assign(account, p.account); });
  host.onEmit.accountChanged = function (p) { Object.assign(account, p); };

  function accountCall(api, check) {
    return function (o) {
      o = host.options(o);
      const err = check ? check(o) : null;
      if (err) return host.fail(api, o, host.ERR_ARGS, err);
      const args = {};
      for (const k of Object.keys(o)) if (typeof o[k] !== 'function') args[k] = o[k];
      host.invoke(api, o, 'account', { api: api, options: args });
    };
  }

  for (const api of ['login', 'getLoginCode', 'checkSession', 'getUserInfo', 'getOpenUserInfo',
    'getSwanId', 'getSetting', 'openSetting']) {
    impl[api] = accountCall(api);
  }

  impl.authorize = accountCall('authorize', function (o) {
    if (typeof o.scope !== 'string') return 'parameter error: scope must be a string';
    if (SCOPES.indexOf(o.scope) < 0) return 'parameter error: invalid scope "' + o.scope + '"';
    return null;
  });

  impl.requestPolymerPayment = accountCall('requestPolymerPayment', function (o) {
    const order = o.orderInfo;
    if (order === null || typeof order !== 'object' || Array.isArray(order)) {
      return 'parameter error: orderInfo must be an object';
    }
    const missing = ORDER_FIELDS.filter(function (k) { return order[k] === undefined || order[k] === ''; });
    if (missing.length) return 'parameter error: orderInfo lacks ' + missing.join(', ');
    if (order.bizInfo !== undefined && typeof order.bizInfo !== 'string') {
      return 'parameter error: orderInfo.bizInfo must be a JSON string';
    }
    return null;
  });

  // The host app's login state [api/open/log_swan-isLoginSync.md].
  impl.isLoginSync = function () { return { isLogin: !!account.isLogin }; };
})(globalThis, globalThis.__swan_host__);

// swan.request: the body and query are built here, where the JS types are known
// (object, string, ArrayBuffer); Python checks the policy and does the HTTP.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

  function isBinary(v) {
    return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  }

  // encodeURIComponent(k)=encodeURIComponent(v)&..., as the platform documents.
  function queryString(obj) {
    return Object.keys(obj).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(obj[k]);
    }).join('&');
  }
  host.queryString = queryString;

  function appendQuery(url, qs) {
    if (!qs) return url;
    const hash = url.indexOf('#');
    const base = hash >= 0 ? url.slice(0, hash) : url;
    const frag = hash >= 0 ? url.slice(hash) : '';
    const q = base.indexOf('?');
    let sep = '?';
    if (q >= 0) sep = (q === base.length - 1 || base.endsWith('&')) ? '' : '&';
    return base + sep + qs + frag;
  }

  // Header values become strings; the app may not set Referer (the platform sends its
  // own). `strict`: a non-object header is an error (uploadFile/downloadFile) instead of
  // being ignored with a warning (request).
  host.headers = function (api, header, strict) {
    if (header === undefined || header === null) return { headers: {} };
    if (typeof header !== 'object' || Array.isArray(header)) {
      if (strict) return { error: 'parameter error: header must be an object' };
      console.warn('swan.' + api + ': header must be an object; ignored');
      return { headers: {} };
    }
    const out = {};
    for (const k of Object.keys(header)) {
      if (k.toLowerCase() === 'referer') {
        console.warn('swan.' + api + ': the Referer header can not be set; the platform sends its own');
        continue;
      }
      const v = header[k];
      out[k] = v === null || v === undefined ? String(v) : (typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    return { headers: out };
  };

  function headerValue(headers, name) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name) return headers[k];
    return undefined;
  }

  host.checkUrl = function (url) {
    if (typeof url !== 'string' || url === '') {
      return 'parameter error: invalid url "' + String(url) + '"';
    }
    return null;
  };

  // A task object (RequestTask, UploadTask...) whose abort() reaches call `id` once known.
  // With `listeners`, it also has onProgressUpdate/offProgressUpdate.
  function makeTask(abortOp, listeners) {
    let id = 0;
    const task = {
      abort: function () { if (id) host.abort(id, abortOp); },
    };
    if (listeners) {
      task.onProgressUpdate = function (fn) {
        if (typeof fn === 'function') listeners.push(fn);
      };
      task.offProgressUpdate = function (fn) {
        if (fn === undefined) { listeners.length = 0; return; }
        const i = listeners.indexOf(fn);
        if (i >= 0) listeners.splice(i, 1);
      };
    }
    Object.defineProperty(task, '__bind__', { value: function (callId) { id = callId; } });
    return task;
  }
  host.makeTask = makeTask;

  impl.request = function (o) {
    o = host.options(o);
    const task = makeTask('request.abort');
    const urlError = host.checkUrl(o.url);
    if (urlError) { host.fail('request', o, host.ERR_ARGS, urlError); return task; }
    let method = 'GET';
    if (typeof o.method === 'string') {
      method = o.method.toUpperCase();
      if (METHODS.indexOf(method) < 0) {
        host.fail('request', o, host.ERR_ARGS, 'parameter error: invalid method "' + o.method + '"');
        return task;
      }
    } else if (o.method !== undefined && o.method !== null) {
      console.warn('swan.request: method must be a string; using GET');
    }
    const h = host.headers('request', o.header, false);
    const headers = h.headers;
    if (headerValue(headers, 'content-type') === undefined) headers['content-type'] = 'application/json';
    const contentType = String(headerValue(headers, 'content-type')).toLowerCase();

    let url = o.url;
    let data = null;
    let binary = false;
    const d = o.data;
    if (d !== undefined && d !== null) {
      if (method === 'GET') {
        if (typeof d === 'string') url = appendQuery(url, d);
        else if (!isBinary(d) && typeof d === 'object') url = appendQuery(url, queryString(d));
      } else if (typeof d === 'string') {
        data = d;
      } else if (isBinary(d)) {
        data = d;
        binary = true;
      } else if (typeof d === 'object') {
        data = contentType.indexOf('application/x-www-form-urlencoded') >= 0 ? queryString(d) : JSON.stringify(d);
      } else {
        data = String(d);
      }
    }
    const dataType = o.dataType === undefined ? 'json' : String(o.dataType);
    const responseType = String(o.responseType || 'text').toLowerCase() === 'arraybuffer' ? 'arraybuffer' : 'text';
    const id = host.invoke('request', o, 'request', {
      url: url, method: method, header: headers, data: data, responseType: responseType,
    }, {
      binary: binary,
      transform: function (res) {
        if (dataType === 'json' && typeof res.data === 'string') {
          try { res.data = JSON.parse(res.data); } catch (e) { /* the raw string, still success */ }
        }
        return res;
      },
    });
    task.__bind__(id);
    return task;
  };
})(globalThis, globalThis.__swan_host__);

// swan.request, and the argument rules of all four network APIs (request, uploadFile,
// downloadFile, connectSocket): the body and query are built here, where the JS types are
// known (object, string, ArrayBuffer); Python checks the policy and does the HTTP.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const RESPONSE_TYPE_SINCE = '1.11.20';
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

  // ---- arguments: one boundary for request, uploadFile, downloadFile and connectSocket ----
  //
  // Every option these four APIs send on is checked here, while the app's JS values are
  // still at hand and before anything is posted to the host: a bad argument fails with
  // errCode 904 and "<api>:fail parameter error: …" naming it, before a flow, a queue slot
  // or a socket exists, and the same bad value fails the same way on every API. (The URL's
  // syntax is left to the domain policy, net/policy.py, which parses it exactly as the
  // connection will; Python reports an unparsable one with the same message.)

  // RFC 7230 §3.2.6: token = 1*tchar. A header name is a token (§3.2 field-name), and so
  // is each WebSocket subprotocol (RFC 6455 §4.1, Sec-WebSocket-Protocol elements).
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

  // A value as an errMsg shows it: quoted and JSON-escaped (CR as \r), whatever its type.
  function quoted(v) {
    let text;
    try { text = String(v); } catch (e) { text = Object.prototype.toString.call(v); }
    return JSON.stringify(text);
  }

  function codePoint(c) {
    const h = c.toString(16).toUpperCase();
    return 'U+' + (h.length < 4 ? '0000'.slice(h.length) + h : h);
  }

  const CONTROL_NAMES = { 0: 'NUL', 10: 'LF', 13: 'CR' };

  // A header value or formData field as text. Strings as given; numbers and booleans as
  // String(v) (the docs: header values are sent as strings). Objects, arrays, null,
  // functions and the like have no string form the docs define, so they are refused and
  // the app stringifies them itself. undefined leaves the field out, as crossing the
  // platform's JSON bridge to the native side would.
  function fieldText(v) {
    if (v === undefined) return { skip: true };
    if (typeof v === 'string') return { text: v };
    if (typeof v === 'number' || typeof v === 'boolean') return { text: String(v) };
    return { error: 'must be a string, number or boolean, not ' + describeType(v) };
  }

  function describeType(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (isBinary(v)) return 'an ArrayBuffer';
    const t = typeof v;
    return t === 'object' ? 'an object' : (t === 'undefined' ? 'undefined' : 'a ' + t);
  }

  // RFC 7230 §3.2: field-value = *( field-vchar / SP / HTAB ) with field-vchar = VCHAR /
  // obs-text (0x80-0xFF). So every character must be one byte of Latin-1 (a value is sent
  // as its Latin-1 bytes: "José" as 4A 6F 73 E9) and no control character other than HTAB
  // may appear: CR/LF would end the header line, NUL cuts it short. Returns a reason.
  function headerValueProblem(value) {
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c > 0xff) {
        const cp = value.codePointAt(i);
        return 'contains ' + JSON.stringify(String.fromCodePoint(cp)) + ' (' + codePoint(cp) +
          '), which is not Latin-1; encode the value, e.g. with encodeURIComponent';
      }
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
        return 'contains a control character (' + (CONTROL_NAMES[c] || codePoint(c)) + ')';
      }
    }
    return null;
  }

  // RFC 7230 §3.2.4: whitespace around a field value is not part of it.
  function trimOws(value) {
    return value.replace(/^[ \t]+|[ \t]+$/g, '');
  }

  function isPlainObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !isBinary(v);
  }

  // `strict`: a non-object header fails (uploadFile, downloadFile, connectSocket) instead
  // of being ignored with a warning (request), as the platform does. The app may not set
  // Referer (the platform sends its own): dropped with a warning.
  function checkHeaders(api, header, strict) {
    if (header === undefined || header === null) return { headers: {} };
    if (!isPlainObject(header)) {
      if (strict) return { error: 'header must be an object' };
      console.warn('swan.' + api + ': header must be an object; ignored');
      return { headers: {} };
    }
    const out = {};
    for (const name of Object.keys(header)) {
      if (!TOKEN.test(name)) {
        return { error: 'invalid header name ' + quoted(name) + ' (must be an RFC 7230 token)' };
      }
      const f = fieldText(header[name]);
      if (f.error) return { error: 'header ' + quoted(name) + ' value ' + f.error };
      if (f.skip) continue;
      if (name.toLowerCase() === 'referer') {
        console.warn('swan.' + api + ': the Referer header can not be set; the platform sends its own');
        continue;
      }
      const value = trimOws(f.text);
      const problem = headerValueProblem(value);
      if (problem) return { error: 'header ' + quoted(name) + ' value ' + problem };
      out[name] = value;
    }
    return { headers: out };
  }

  // uploadFile's extra multipart fields: a flat object of field texts (see fieldText).
  function checkFormData(formData) {
    if (formData === undefined || formData === null) return { fields: {} };
    if (!isPlainObject(formData)) return { error: 'formData must be an object' };
    const out = {};
    for (const key of Object.keys(formData)) {
      const f = fieldText(formData[key]);
      if (f.error) return { error: 'formData field ' + quoted(key) + ' ' + f.error };
      if (!f.skip) out[key] = f.text;
    }
    return { fields: out };
  }

  // connectSocket's subprotocols (`protocols`, or `protocolsArray` as the seed page names
  // it). RFC 6455 §4.1: non-empty, unique, each a token.
  function checkProtocols(o) {
    const list = o.protocols === undefined ? o.protocolsArray : o.protocols;
    if (list === undefined || list === null) return { protocols: [] };
    if (!Array.isArray(list)) return { error: 'protocols must be an array of strings' };
    const seen = [];
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (typeof p !== 'string') return { error: 'invalid protocol ' + quoted(p) + ' (must be a string)' };
      if (!TOKEN.test(p)) return { error: 'invalid protocol ' + quoted(p) + ' (must be an RFC 6455 token)' };
      if (seen.indexOf(p) >= 0) return { error: 'duplicate protocol ' + quoted(p) };
      seen.push(p);
    }
    return { protocols: seen };
  }

  function checkMethod(method) {
    if (method === undefined || method === null) return { method: 'GET' };
    if (typeof method !== 'string') {
      console.warn('swan.request: method must be a string; using GET');
      return { method: 'GET' };
    }
    const upper = method.toUpperCase();
    if (METHODS.indexOf(upper) < 0) return { error: 'invalid method ' + quoted(method) };
    return { method: upper };
  }

  // A required (or, when `optional`, absent or non-empty) string option: url, filePath, name.
  function stringProblem(what, v, optional) {
    if (optional && v === undefined) return null;
    return typeof v === 'string' && v !== '' ? null : 'invalid ' + what + ' ' + quoted(v);
  }

  // Checks options `o` of `api` by `rules` ({method, header: 'lenient'|'strict',
  // filePath: 'required'|'optional', name, formData, protocols}; url always). Returns
  // {error} (the reason after "<api>:fail ", errCode 904) or the checked values.
  host.netArgs = function (api, o, rules) {
    const out = { url: o.url };
    let problem = stringProblem('url', o.url, false);
    let r;
    if (!problem && rules.method) {
      r = checkMethod(o.method);
      problem = r.error;
      out.method = r.method;
    }
    if (!problem) {
      r = checkHeaders(api, o.header, rules.header === 'strict');
      problem = r.error;
      out.headers = r.headers;
    }
    if (!problem && rules.filePath) {
      problem = stringProblem('filePath', o.filePath, rules.filePath === 'optional');
      out.filePath = o.filePath === undefined ? null : o.filePath;
    }
    if (!problem && rules.name) problem = stringProblem('name', o.name, false);
    if (!problem && rules.formData) {
      r = checkFormData(o.formData);
      problem = r.error;
      out.formData = r.fields;
    }
    if (!problem && rules.protocols) {
      r = checkProtocols(o);
      problem = r.error;
      out.protocols = r.protocols;
    }
    return problem ? { error: 'parameter error: ' + problem } : out;
  };

  function headerValue(headers, name) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name) return headers[k];
    return undefined;
  }

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
    const a = host.netArgs('request', o, { method: true, header: 'lenient' });
    if (a.error) { host.fail('request', o, host.ERR_ARGS, a.error); return task; }
    const method = a.method;
    const headers = a.headers;
    if (headerValue(headers, 'content-type') === undefined) headers['content-type'] = 'application/json';
    const contentType = String(headerValue(headers, 'content-type')).toLowerCase();

    let url = o.url;
    let data = null;
    let binary = false;
    const d = o.data;
    if (d !== undefined && d !== null) {
      try {
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
      } catch (e) {
        // Data that cannot become a body (a BigInt or a cycle for JSON, a Symbol, a
        // getter that throws): the call fails, as any bad argument does.
        const why = e instanceof Error ? String(e.message) : host.errorInfo(e).message;
        host.fail('request', o, host.ERR_ARGS, 'parameter error: data cannot be sent (' + why + ')');
        return task;
      }
    }
    const dataType = o.dataType === undefined ? 'json' : String(o.dataType);
    // responseType arrived in base library 1.11.20 [api/net/request.md]: before it the
    // option does not exist and the body comes as text.
    const modern = host.baseAtLeast(RESPONSE_TYPE_SINCE);
    const responseType = modern && String(o.responseType || 'text').toLowerCase() === 'arraybuffer' ? 'arraybuffer' : 'text';
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

// uploadFile, downloadFile, the app's files (saveFile, getFileSystemManager...) and
// chooseImage. Paths are checked and files touched on the Python side only.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const ARGS = host.ERR_ARGS;

  function isBinary(v) {
    return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  }

  impl.uploadFile = function (o) {
    o = host.options(o);
    const listeners = [];
    const task = host.makeTask('uploadFile.abort', listeners);
    const a = host.netArgs('uploadFile', o, {
      header: 'strict', filePath: 'required', name: true, formData: true,
    });
    if (a.error) { host.fail('uploadFile', o, ARGS, a.error); return task; }
    task.__bind__(host.invoke('uploadFile', o, 'uploadFile', {
      url: a.url, filePath: a.filePath, name: o.name, header: a.headers, formData: a.formData,
    }, { listeners: listeners }));
    return task;
  };

  impl.downloadFile = function (o) {
    o = host.options(o);
    const listeners = [];
    const task = host.makeTask('downloadFile.abort', listeners);
    const a = host.netArgs('downloadFile', o, { header: 'strict', filePath: 'optional' });
    if (a.error) { host.fail('downloadFile', o, ARGS, a.error); return task; }
    task.__bind__(host.invoke('downloadFile', o, 'downloadFile', {
      url: a.url, header: a.headers, filePath: a.filePath,
    }, { listeners: listeners }));
    return task;
  };

  // ---- files ----------------------------------------------------------------------------
  function fileCall(api, op, pick) {
    return function (o) {
      o = host.options(o);
      const args = {};
      for (const k of pick) {
        const v = o[k];
        if (v !== undefined && typeof v !== 'function') args[k] = v;
      }
      host.invoke(api, o, op, args, { binary: Object.keys(args).some(function (k) { return isBinary(args[k]); }) });
    };
  }

  impl.saveFile = fileCall('saveFile', 'saveFile', ['tempFilePath']);
  impl.getSavedFileList = fileCall('getSavedFileList', 'getSavedFileList', []);
  impl.getSavedFileInfo = fileCall('getSavedFileInfo', 'getFileInfo', ['filePath']);
  impl.removeSavedFile = fileCall('removeSavedFile', 'removeSavedFile', ['filePath']);
  impl.getFileInfo = fileCall('getFileInfo', 'getFileInfo', ['filePath', 'digestAlgorithm']);
  impl.chooseImage = fileCall('chooseImage', 'chooseImage', ['count', 'sizeType', 'sourceType']);

  // Stats objects answer isFile()/isDirectory() as on the platform.
  function stats(s) {
    return {
      mode: s.mode, size: s.size, lastAccessedTime: s.lastAccessedTime,
      lastModifiedTime: s.lastModifiedTime,
      isDirectory: function () { return s.isDirectory; },
      isFile: function () { return s.isFile; },
    };
  }

  // ---- the mirror: what sync APIs read (JS cannot wait for the host) ------------------------
  // Python sends every file and folder of the app at start and after each change it makes;
  // sync writes update it at once and are written through to the host.
  const mirror = new Map();  // virtual path -> {dir, size, mtime, mode, data: Uint8Array|null}
  let mirrorTotal = 0;
  const MIRROR_FILE = 1024 * 1024;
  const MIRROR_TOTAL = 32 * 1024 * 1024;
  // The user folder and saved files share 10 MB (emulator/swan/files.py USER_SPACE_LIMIT,
  // where the platform's page is cited): sync writes are checked here, against the
  // mirror's sizes, so one over it fails at once instead of "succeeding" for the host to
  // refuse.
  const USER_SPACE_LIMIT = 10 * 1024 * 1024;
  const STORAGE_FULL = 'the maximum size of the file storage limit is exceeded';
  let userBytes = 0;

  function counted(path, e) {
    return !!e && !e.dir && (path.startsWith('bdfile://usr/') || path.startsWith('bdfile://store_'));
  }

  function mirrorSet(e) {
    const old = mirror.get(e.path);
    if (old && old.data) mirrorTotal -= old.data.length;
    if (counted(e.path, old)) userBytes -= old.size;
    const data = typeof e.data === 'string' ? Uint8Array.fromBase64(e.data) : (e.bytes || null);
    if (data) mirrorTotal += data.length;
    const entry = { dir: !!e.dir, size: e.size, mtime: e.mtime, mode: e.mode || 0, data: data };
    mirror.set(e.path, entry);
    if (counted(e.path, entry)) userBytes += entry.size;
  }

  function mirrorRemove(path) {
    for (const key of Array.from(mirror.keys())) {
      if (key === path || key.startsWith(path + '/')) {
        const e = mirror.get(key);
        if (e.data) mirrorTotal -= e.data.length;
        if (counted(key, e)) userBytes -= e.size;
        mirror.delete(key);
      }
    }
  }

  host.onInit.push(function (p) {
    mirror.clear();
    mirrorTotal = 0;
    userBytes = 0;
    for (const e of p.files || []) mirrorSet(e);
  });
  host.entries.fsSync = function (p) {
    for (const path of p.remove || []) mirrorRemove(path);
    for (const e of p.set || []) mirrorSet(e);
  };

  // The same rules as the host's (emulator/swan/files.py): only the app's own paths, no
  // way out. Symlinks are the host's to check; it puts the mirror right if it refuses.
  const MAX_PATH = 1024;  // characters of a virtual path (files.py MAX_PATH)
  const NAME_MAX = 255;  // UTF-8 bytes of one name (files.py NAME_MAX)

  function pathError(path, write) {
    if (typeof path !== 'string' || path === '') return 'parameter error: invalid path ' + JSON.stringify(path);
    if (path.length > MAX_PATH) return 'permission denied, path too long';
    if (/[\x00-\x1f\\]/.test(path)) return 'permission denied, invalid character in path';
    if (!path.startsWith('bdfile://')) return 'permission denied, not an app path (expected bdfile://...)';
    const rest = path.slice(9);
    let parts;
    if (rest === 'usr' || rest.startsWith('usr/')) {
      parts = rest === 'usr' ? [] : rest.slice(4).split('/');
      if (parts.length && parts[parts.length - 1] === '') parts.pop();
    } else if (rest.startsWith('tmp_') || rest.startsWith('store_')) {
      parts = [rest];
    } else {
      return 'permission denied, unknown app folder';
    }
    for (const part of parts) {
      let decoded = part;
      try { decoded = decodeURIComponent(part); } catch (e) { /* keep raw */ }
      if (part === '' || part === '.' || part === '..' || decoded === '.' || decoded === '..' ||
          decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0 || part === 'tmp_' || part === 'store_') {
        return 'permission denied, path escapes the app folder';
      }
    }
    for (const part of parts) {
      if (part.length > NAME_MAX / 3 && utf8Encode(part).length > NAME_MAX) return 'file name too long ' + JSON.stringify(path);
    }
    if (write && !(rest.startsWith('usr/') && parts.length)) {
      return 'permission denied, only bdfile://usr is writable: ' + JSON.stringify(path);
    }
    return null;
  }

  function norm(path) { return path.endsWith('/') ? path.slice(0, -1) : path; }
  function parentOf(path) { return path.slice(0, path.lastIndexOf('/')); }

  function utf8Encode(str) {
    const out = [];
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
        const d = str.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      }
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }

  function utf8Decode(b) {
    const parts = [];
    let chunk = [];
    for (let i = 0; i < b.length;) {
      const c = b[i];
      let cp, n;
      if (c < 0x80) { cp = c; n = 1; }
      else if (c >= 0xc2 && c < 0xe0 && (b[i + 1] & 0xc0) === 0x80) { cp = ((c & 31) << 6) | (b[i + 1] & 63); n = 2; }
      else if (c >= 0xe0 && c < 0xf0 && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80) {
        cp = ((c & 15) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63); n = 3;
      } else if (c >= 0xf0 && c < 0xf5 && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80 && (b[i + 3] & 0xc0) === 0x80) {
        cp = ((c & 7) << 18) | ((b[i + 1] & 63) << 12) | ((b[i + 2] & 63) << 6) | (b[i + 3] & 63); n = 4;
      } else { cp = 0xfffd; n = 1; }
      if (cp >= 0x10000) { cp -= 0x10000; chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023)); }
      else chunk.push(cp);
      i += n;
      if (chunk.length >= 8192) { parts.push(String.fromCharCode.apply(null, chunk)); chunk = []; }
    }
    parts.push(String.fromCharCode.apply(null, chunk));
    return parts.join('');
  }

  function toBytes(data, encoding) {
    if (isBinary(data)) {
      return data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) :
        new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    }
    if (typeof data !== 'string') throw new Error('parameter error: data must be a string or an ArrayBuffer');
    const enc = String(encoding || 'utf8').toLowerCase();
    if (enc === 'utf8' || enc === 'utf-8') return utf8Encode(data);
    if (enc === 'base64') return Uint8Array.fromBase64(data.replace(/[^A-Za-z0-9+/]/g, ''), { lastChunkHandling: 'loose' });
    if (enc === 'hex') {
      const out = new Uint8Array(data.length >> 1);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(data.substr(i * 2, 2), 16);
      return out;
    }
    if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') {
      const out = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & (enc === 'ascii' ? 0x7f : 0xff);
      return out;
    }
    if (enc === 'ucs2' || enc === 'ucs-2' || enc === 'utf16le' || enc === 'utf-16le') {
      const out = new Uint8Array(data.length * 2);
      for (let i = 0; i < data.length; i++) { out[2 * i] = data.charCodeAt(i) & 255; out[2 * i + 1] = data.charCodeAt(i) >> 8; }
      return out;
    }
    throw new Error('parameter error: unknown encoding ' + JSON.stringify(encoding));
  }

  function fromBytes(b, encoding) {
    if (encoding === undefined || encoding === null) return b.slice().buffer;
    const enc = String(encoding).toLowerCase();
    if (enc === 'utf8' || enc === 'utf-8') return utf8Decode(b);
    if (enc === 'base64') return b.toBase64();
    if (enc === 'hex') return Array.from(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
    if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') {
      const parts = [];
      for (let i = 0; i < b.length; i += 8192) {
        const sub = Array.from(b.subarray(i, i + 8192), function (x) { return enc === 'ascii' ? x & 0x7f : x; });
        parts.push(String.fromCharCode.apply(null, sub));
      }
      return parts.join('');
    }
    if (enc === 'ucs2' || enc === 'ucs-2' || enc === 'utf16le' || enc === 'utf-16le') {
      const codes = [];
      for (let i = 0; i + 1 < b.length; i += 2) codes.push(b[i] | (b[i + 1] << 8));
      return String.fromCharCode.apply(null, codes);
    }
    throw new Error('parameter error: unknown encoding ' + JSON.stringify(encoding));
  }

  function fail(api, reason) { throw new Error(api + 'Sync:fail ' + reason); }

  function needSpace(api, grow) {
    if (grow > 0 && userBytes + grow > USER_SPACE_LIMIT) fail(api, STORAGE_FULL);
  }

  function need(api, path, write) {
    const err = pathError(path, write);
    if (err) fail(api, err);
    return norm(path);
  }

  function existing(api, path) {
    const p = need(api, path, false);
    const e = mirror.get(p);
    if (!e) fail(api, 'no such file or directory ' + JSON.stringify(path));
    return { path: p, entry: e };
  }

  function writeThrough(method, args, bytes) {
    args.method = method;
    if (bytes) args.data = bytes.buffer;
    host.post('fs.sync', 0, args, !!bytes);
  }

  function putFile(path, bytes) {
    const now = Math.floor(Date.now() / 1000);
    mirrorSet({ path: path, dir: false, size: bytes.length, mtime: now, mode: 33188,
                bytes: bytes.length <= MIRROR_FILE && mirrorTotal + bytes.length <= MIRROR_TOTAL ? bytes : null });
  }

  function statsOf(e) {
    return stats({ mode: e.mode, size: e.size, lastAccessedTime: e.mtime, lastModifiedTime: e.mtime,
                   isDirectory: e.dir, isFile: !e.dir });
  }

  const SYNC = {
    access: function (path) { existing('access', path); },
    stat: function (path) { return statsOf(existing('stat', path).entry); },
    readdir: function (dirPath) {
      const d = existing('readdir', dirPath);
      if (!d.entry.dir) fail('readdir', 'not a directory ' + JSON.stringify(dirPath));
      const prefix = d.path + '/';
      const names = [];
      for (const key of mirror.keys()) {
        if (key.startsWith(prefix) && key.indexOf('/', prefix.length) < 0) names.push(key.slice(prefix.length));
      }
      return names.sort();
    },
    readFile: function (filePath, encoding, position, length) {
      const f = existing('readFile', filePath);
      if (f.entry.dir) fail('readFile', 'illegal operation on a directory ' + JSON.stringify(filePath));
      if (!f.entry.data) {
        fail('readFile', 'file too large for a synchronous read (' + f.entry.size + ' bytes); use readFile');
      }
      let b = f.entry.data;
      if (position !== undefined || length !== undefined) {
        const start = position || 0;
        b = b.subarray(start, length === undefined ? b.length : start + length);
      }
      try { return fromBytes(b, encoding); } catch (e) { fail('readFile', e.message); }
    },
    writeFile: function (filePath, data, encoding) {
      const p = need('writeFile', filePath, true);
      const parent = mirror.get(parentOf(p));
      if (!parent || !parent.dir) fail('writeFile', 'no such file or directory, open ' + JSON.stringify(filePath));
      if (mirror.has(p) && mirror.get(p).dir) fail('writeFile', 'illegal operation on a directory, open ' + JSON.stringify(filePath));
      let bytes;
      try { bytes = toBytes(data, encoding); } catch (e) { fail('writeFile', e.message); }
      const old = mirror.get(p);
      needSpace('writeFile', bytes.length - (old ? old.size : 0));
      putFile(p, bytes);
      writeThrough('writeFile', { filePath: p }, bytes);
    },
    appendFile: function (filePath, data, encoding) {
      const f = existing('appendFile', filePath);
      need('appendFile', filePath, true);
      let bytes;
      try { bytes = toBytes(data, encoding); } catch (e) { fail('appendFile', e.message); }
      if (f.entry.dir) fail('appendFile', 'illegal operation on a directory ' + JSON.stringify(filePath));
      needSpace('appendFile', bytes.length);
      if (f.entry.data) {
        const joined = new Uint8Array(f.entry.data.length + bytes.length);
        joined.set(f.entry.data);
        joined.set(bytes, f.entry.data.length);
        putFile(f.path, joined);
      } else {
        mirrorSet({ path: f.path, dir: false, size: f.entry.size + bytes.length, mtime: Math.floor(Date.now() / 1000), mode: f.entry.mode });
      }
      writeThrough('appendFile', { filePath: f.path }, bytes);
    },
    mkdir: function (dirPath, recursive) {
      const p = need('mkdir', dirPath, true);
      if (mirror.has(p)) fail('mkdir', 'file already exists ' + JSON.stringify(dirPath));
      const missing = [];
      let cur = p;
      while (!mirror.has(cur)) {
        missing.unshift(cur);
        cur = parentOf(cur);
        if (cur.length <= 9) break;
      }
      if (missing.length > 1 && !recursive) fail('mkdir', 'no such file or directory ' + JSON.stringify(parentOf(p)));
      const now = Math.floor(Date.now() / 1000);
      for (const m of missing) mirrorSet({ path: m, dir: true, size: 4096, mtime: now, mode: 16877 });
      writeThrough('mkdir', { dirPath: p, recursive: !!recursive });
    },
    unlink: function (filePath) {
      const f = existing('unlink', filePath);
      need('unlink', filePath, true);
      if (f.entry.dir) fail('unlink', 'operation not permitted, unlink a directory ' + JSON.stringify(filePath));
      mirrorRemove(f.path);
      writeThrough('unlink', { filePath: f.path });
    },
    rmdir: function (dirPath, recursive) {
      const d = existing('rmdir', dirPath);
      need('rmdir', dirPath, true);
      if (!d.entry.dir) fail('rmdir', 'not a directory ' + JSON.stringify(dirPath));
      if (!recursive && SYNC.readdir(dirPath).length) fail('rmdir', 'directory not empty ' + JSON.stringify(dirPath));
      mirrorRemove(d.path);
      writeThrough('rmdir', { dirPath: d.path, recursive: !!recursive });
    },
    copyFile: function (srcPath, destPath) {
      const src = existing('copyFile', srcPath);
      const dest = need('copyFile', destPath, true);
      if (src.entry.dir) fail('copyFile', 'illegal operation on a directory');
      const old = mirror.get(dest);
      if (old && old.dir) fail('copyFile', 'illegal operation on a directory ' + JSON.stringify(destPath));
      if (dest === src.path) return;
      needSpace('copyFile', src.entry.size - (old ? old.size : 0));
      mirrorSet({ path: dest, dir: false, size: src.entry.size, mtime: Math.floor(Date.now() / 1000), mode: src.entry.mode,
                  bytes: src.entry.data ? src.entry.data.slice() : null });
      writeThrough('copyFile', { srcPath: src.path, destPath: dest });
    },
    rename: function (oldPath, newPath) {
      const src = existing('rename', oldPath);
      need('rename', oldPath, true);
      const dest = need('rename', newPath, true);
      if (dest === src.path) return;
      const old = mirror.get(dest);
      if (old && !old.dir) mirrorRemove(dest);  // replaced, as the host's rename replaces it
      for (const key of Array.from(mirror.keys())) {
        if (key === src.path || key.startsWith(src.path + '/')) {
          const e = mirror.get(key);
          mirror.delete(key);
          mirror.set(dest + key.slice(src.path.length), e);
        }
      }
      writeThrough('rename', { oldPath: src.path, newPath: dest });
    },
  };

  // The file system manager: asynchronous methods go to the host; their *Sync forms are
  // answered from the mirror (reads) or applied to it and written through (writes).
  const FS_METHODS = {
    access: ['path'],
    readFile: ['filePath', 'encoding', 'position', 'length'],
    writeFile: ['filePath', 'data', 'encoding'],
    appendFile: ['filePath', 'data', 'encoding'],
    copyFile: ['srcPath', 'destPath'],
    rename: ['oldPath', 'newPath'],
    mkdir: ['dirPath', 'recursive'],
    readdir: ['dirPath'],
    rmdir: ['dirPath', 'recursive'],
    unlink: ['filePath'],
    stat: ['path', 'recursive'],
    getFileInfo: ['filePath', 'digestAlgorithm'],
    saveFile: ['tempFilePath', 'filePath'],
    removeSavedFile: ['filePath'],
    getSavedFileList: [],
  };

  let manager = null;
  impl.getFileSystemManager = function () {
    if (manager) return manager;
    manager = {};
    for (const name of Object.keys(FS_METHODS)) {
      const pick = FS_METHODS[name];
      manager[name] = function (o) {
        o = host.options(o);
        const args = { method: name };
        for (const k of pick) {
          const v = o[k];
          if (v !== undefined && typeof v !== 'function') args[k] = v;
        }
        const transform = name === 'stat' ? function (res) {
          if (res.stats && !Array.isArray(res.stats)) res.stats = stats(res.stats);
          else if (Array.isArray(res.stats)) res.stats = res.stats.map(function (e) { return { path: e.path, stats: stats(e.stats) }; });
          return res;
        } : undefined;
        host.invoke(name, o, 'fs', args, { binary: isBinary(args.data), transform: transform });
      };
      const sync = SYNC[name];
      manager[name + 'Sync'] = sync ? sync : function () {
        throw new Error(name + 'Sync:fail not supported by the emulator; use ' + name + '({success})');
      };
    }
    return manager;
  };
})(globalThis, globalThis.__swan_host__);

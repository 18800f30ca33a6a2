// uploadFile, downloadFile, the app's files (saveFile, getFileSystemManager...) and
// chooseImage. Paths are checked and files touched on the Python side only.
(function (global, host) {
  'use strict';

  const impl = host.swan;
  const ARGS = host.ERR_ARGS;

  function isBinary(v) {
    return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  }

  function stringFields(obj) {
    const out = {};
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      out[k] = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  }

  impl.uploadFile = function (o) {
    o = host.options(o);
    const listeners = [];
    const task = host.makeTask('uploadFile.abort', listeners);
    let err = host.checkUrl(o.url);
    if (!err && (typeof o.filePath !== 'string' || o.filePath === '')) err = 'parameter error: invalid filePath "' + String(o.filePath) + '"';
    if (!err && (typeof o.name !== 'string' || o.name === '')) err = 'parameter error: invalid name "' + String(o.name) + '"';
    const h = host.headers('uploadFile', o.header, true);
    if (!err && h.error) err = h.error;
    if (!err && o.formData !== undefined && o.formData !== null && (typeof o.formData !== 'object' || Array.isArray(o.formData))) {
      err = 'parameter error: formData must be an object';
    }
    if (err) { host.fail('uploadFile', o, ARGS, err); return task; }
    task.__bind__(host.invoke('uploadFile', o, 'uploadFile', {
      url: o.url, filePath: o.filePath, name: o.name, header: h.headers,
      formData: stringFields(o.formData || {}),
    }, { listeners: listeners }));
    return task;
  };

  impl.downloadFile = function (o) {
    o = host.options(o);
    const listeners = [];
    const task = host.makeTask('downloadFile.abort', listeners);
    let err = host.checkUrl(o.url);
    const h = host.headers('downloadFile', o.header, true);
    if (!err && h.error) err = h.error;
    if (!err && o.filePath !== undefined && (typeof o.filePath !== 'string' || o.filePath === '')) {
      err = 'parameter error: invalid filePath "' + String(o.filePath) + '"';
    }
    if (err) { host.fail('downloadFile', o, ARGS, err); return task; }
    task.__bind__(host.invoke('downloadFile', o, 'downloadFile', {
      url: o.url, header: h.headers, filePath: o.filePath === undefined ? null : o.filePath,
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

  // The file system manager: every method is asynchronous here. Its *Sync forms would need
  // JS to wait for the host, which the engine forbids under its time limit; they throw a
  // clear error that names the asynchronous form to use.
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
      manager[name + 'Sync'] = function () {
        throw new Error(name + 'Sync:fail not supported by the emulator: synchronous file ' +
          'access would need JS to wait for the host; use ' + name + '({success}) instead');
      };
    }
    return manager;
  };
})(globalThis, globalThis.__swan_host__);

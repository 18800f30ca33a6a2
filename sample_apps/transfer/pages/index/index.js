const api = getApp().globalData.api;

// Promise wrappers that keep the task (for progress) and always resolve.
function call(fn, options) {
    let task;
    const p = new Promise(resolve => {
        task = fn(Object.assign({}, options, {
            success: res => resolve({ok: true, res}),
            fail: res => resolve({ok: false, res})
        }));
    });
    p.task = task;
    return p;
}

Page({
    data: {
        chosen: '',
        uploadProgress: 0,
        uploadReport: null,
        downloadProgress: 0,
        downloaded: '',
        saved: [],
        step: 'starting'
    },
    onLoad() {
        this.tour();
    },
    async tour() {
        const chosen = await call(swan.chooseImage, {count: 1});
        if (!chosen.ok) {
            console.error('chooseImage failed:', chosen.res.errMsg, '(run with --choose-file PATH)');
            return;
        }
        const path = chosen.res.tempFilePaths[0];
        this.setData({chosen: path, step: 'uploading'});
        console.log('chose', path, chosen.res.tempFiles[0].size, 'bytes');

        const up = call(swan.uploadFile, {
            url: api + '/upload', filePath: path, name: 'photo', formData: {album: '旅行', by: 'swan'}
        });
        up.task.onProgressUpdate(p => this.setData('uploadProgress', p.progress));
        const u = await up;
        if (!u.ok) {
            console.error('upload failed:', u.res.errMsg);
            return;
        }
        const report = JSON.parse(u.res.data);
        this.setData({uploadReport: report, step: 'downloading'});
        console.log('uploaded: server got', report.files[0].size, 'bytes as', report.files[0].filename,
            'sha256', report.files[0].sha256.slice(0, 12) + '…', 'fields', JSON.stringify(report.fields));

        let ticks = 0;
        const down = call(swan.downloadFile, {url: api + '/download/1048576?slow=1'});
        down.task.onProgressUpdate(p => {
            ticks++;
            this.setData('downloadProgress', p.progress);
        });
        const d = await down;
        if (!d.ok) {
            console.error('download failed:', d.res.errMsg);
            return;
        }
        console.log('downloaded', d.res.tempFilePath, 'status', d.res.statusCode, 'after', ticks, 'progress callbacks');
        this.setData({downloaded: d.res.tempFilePath, step: 'saving'});

        const info = await call(swan.getFileInfo, {filePath: d.res.tempFilePath});
        console.log('file info:', info.res.size, 'bytes, md5', info.res.digest);
        const saved = await call(swan.saveFile, {tempFilePath: d.res.tempFilePath});
        console.log('saved as', saved.res.savedFilePath);
        const list = await call(swan.getSavedFileList, {});
        const files = list.res.fileList.map(f => f.filePath + ' (' + f.size + ' bytes)');
        this.setData({saved: files, step: 'done'});
        console.log('saved files:', files.length);
        files.forEach(f => console.log('  ' + f));
        // Keep the sandbox tidy between runs: this sample removes what it saved.
        for (const f of list.res.fileList) {
            await call(swan.removeSavedFile, {filePath: f.filePath});
        }
        swan.showToast({title: '完成', icon: 'success'});
    }
});

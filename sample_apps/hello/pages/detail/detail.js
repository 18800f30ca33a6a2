Page({
    data: {
        from: '',
        saved: null
    },
    onLoad(query) {
        this.setData({from: query.from});
        console.log('detail onLoad', JSON.stringify(query), 'pages on stack:', getCurrentPages().length);
        swan.setStorage({
            key: 'lastVisit',
            data: {page: 'detail', at: getApp().globalData.launchedAt},
            success: () => {
                const info = swan.getStorageInfoSync();
                console.log('storage keys:', info.keys.sort().join(','));
                swan.showToast({title: '已保存', icon: 'success'});
                this.goBack();
            }
        });
    },
    goBack() {
        swan.navigateBack({
            complete: res => console.log('navigateBack:', res.errMsg)
        });
    },
    onUnload() {
        console.log('detail onUnload');
    }
});

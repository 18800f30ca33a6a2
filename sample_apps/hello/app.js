const format = require('./utils/format');

App({
    globalData: {
        launchedAt: null
    },
    onLaunch(options) {
        this.globalData.launchedAt = format.time(new Date());
        const launches = (swan.getStorageSync('launches') || 0) + 1;
        swan.setStorageSync('launches', launches);
        console.log('onLaunch', options.path, 'launch #' + launches);
    },
    onShow() {
        console.log('onShow');
    }
});

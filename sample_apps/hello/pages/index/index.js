const format = require('../../utils/format');

Page({
    data: {
        message: '',
        ticks: 0,
        system: null
    },
    onLoad(query) {
        const info = swan.getSystemInfoSync();
        this.setData({
            message: format.greeting('swan'),
            system: {model: info.model, SDKVersion: info.SDKVersion}
        });
        console.log('index onLoad', this.data.message, info.model);
    },
    onReady() {
        let ticks = 0;
        const timer = setInterval(() => {
            ticks += 1;
            this.setData('ticks', ticks);
            if (ticks === 3) {
                clearInterval(timer);
                console.log('ticked', this.getData('ticks'), 'times');
                this.openDetail();
            }
        }, 20);
        Promise.resolve('microtask').then(v => console.log('promise job ran:', v));
    },
    openDetail() {
        swan.navigateTo({
            url: '/pages/detail/detail?from=index&n=' + this.data.ticks,
            success: () => console.log('navigateTo success')
        });
    }
});

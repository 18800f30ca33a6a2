// ES module syntax works too (rewritten to CommonJS, as the devtools compile it).
import request from '../../utils/request';
const api = getApp().globalData.api;

// Each case returns a one-line outcome; `expect` says what a correct platform does.
const cases = [
    {
        name: 'GET with query',
        expect: 'success',
        run: () => request({url: api + '/echo', data: {q: 'swan 小程序', page: 2}})
            .then(r => [r, 'server saw ' + JSON.stringify(r.res.data && r.res.data.query)])
    },
    {
        name: 'POST JSON',
        expect: 'success',
        run: () => request({url: api + '/echo', method: 'POST', data: {user: 'swan', tags: ['a', 'b']}})
            .then(r => [r, 'server parsed ' + JSON.stringify(r.res.data && r.res.data.json)])
    },
    {
        name: 'POST form',
        expect: 'success',
        run: () => request({
            url: api + '/echo', method: 'POST', data: {name: 'swan app', x: '1&2'},
            header: {'content-type': 'application/x-www-form-urlencoded'}
        }).then(r => [r, 'body ' + (r.res.data && r.res.data.body)])
    },
    {
        name: 'string body',
        expect: 'success',
        run: () => request({url: api + '/echo', method: 'PUT', data: 'plain text body',
                            header: {'content-type': 'text/plain'}})
            .then(r => [r, 'body ' + (r.res.data && r.res.data.body)])
    },
    {
        name: 'arraybuffer response',
        expect: 'success',
        run: () => request({url: api + '/binary?size=1024', responseType: 'arraybuffer'})
            .then(r => [r, r.ok ? 'got ' + r.res.data.byteLength + ' bytes, last = ' +
                new Uint8Array(r.res.data)[1023] : ''])
    },
    {
        name: 'abort',
        expect: 'fail',
        run: () => {
            const p = request({url: api + '/delay/2000'});
            setTimeout(() => p.task.abort(), 100);
            return p.then(r => [r, r.res.errMsg]);
        }
    },
    {
        name: 'timeout (networkTimeout.request = 1500 ms)',
        expect: 'fail',
        run: () => request({url: api + '/delay/5000'}).then(r => [r, r.res.errMsg])
    },
    {
        name: 'refused domain',
        expect: 'fail',
        run: () => request({url: 'https://not-allowed.example.com/data'}).then(r => [r, r.res.errMsg])
    },
    {
        name: 'HTTP 500',
        expect: 'success',
        run: () => request({url: api + '/status/500'})
            .then(r => [r, 'statusCode ' + r.res.statusCode + ', ' + JSON.stringify(r.res.data)])
    },
    {
        name: 'redirect to an allowed URL',
        expect: 'success',
        run: () => request({url: api + '/redirect/allowed'})
            .then(r => [r, 'landed on ' + (r.res.data && r.res.data.path)])
    },
    {
        name: 'redirect to a refused domain',
        expect: 'fail',
        run: () => request({url: api + '/redirect/refused'}).then(r => [r, r.res.errMsg])
    }
];

Page({
    data: {
        names: cases.map(c => c.name),
        results: [],
        passed: 0,
        total: cases.length,
        running: false
    },
    onLoad() {
        this.runAll();
    },
    async runAll() {
        if (this.data.running) {
            return;
        }
        this.setData({running: true, results: [], passed: 0});
        let passed = 0;
        for (let i = 0; i < cases.length; i++) {
            passed += await this.runCase(i) ? 1 : 0;
        }
        this.setData({running: false, passed});
        console.log(`netdemo: ${passed}/${cases.length} cases behaved as the platform does`);
        swan.showToast({title: `${passed}/${cases.length} ok`, icon: passed === cases.length ? 'success' : 'none'});
    },
    // One case again, from its own button: the index comes from the tapped node's dataset.
    async runOne(e) {
        const i = Number(e.currentTarget.dataset.index);
        this.setData({running: true});
        await this.runCase(i);
        const passed = this.data.results.filter(r => r && r.good).length;
        this.setData({running: false, passed});
    },
    async runCase(i) {
        const c = cases[i];
        const [r, detail] = await c.run();
        const outcome = r.ok ? 'success' : 'fail';
        const good = outcome === c.expect;
        console.log(`${good ? 'ok  ' : 'BAD '} ${c.name}: ${outcome} - ${detail}`);
        this.setData({[`results[${i}]`]: {name: c.name, outcome, detail, good}});
        return good;
    }
});

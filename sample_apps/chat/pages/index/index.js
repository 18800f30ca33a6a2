const room = getApp().globalData.room;

Page({
    data: {
        connected: false,
        messages: [],
        draft: '你好，大家好!'
    },
    onLoad() {
        // The "current" socket, driven by the global functions.
        swan.onSocketOpen(res => {
            this.setData({connected: true});
            console.log('me: connected, server says', res.header['Server'] || res.header['server'] || '?');
            this.joinBot();
        });
        swan.onSocketMessage(res => this.received(JSON.parse(res.data)));
        swan.onSocketError(res => console.error('socket error:', res.errMsg));
        swan.onSocketClose(res => {
            this.setData({connected: false});
            console.log('me: closed', res.code, res.reason);
        });
        swan.connectSocket({url: room + '&name=me'});
    },
    // A second user in the same room, on a SocketTask of its own: it answers every message.
    joinBot() {
        const bot = swan.connectSocket({url: room + '&name=bot'});
        bot.onMessage(res => {
            const m = JSON.parse(res.data);
            if (m.from === 'me') {
                bot.send({data: 'echo: ' + m.text});
            }
        });
        bot.onOpen(() => this.send());
        bot.onClose(res => console.log('bot: closed', res.code, res.reason));
        this.bot = bot;
    },
    send() {
        swan.sendSocketMessage({
            data: this.data.draft,
            success: () => console.log('me: sent', this.data.draft),
            fail: err => console.error('send failed:', err.errMsg)
        });
    },
    received(m) {
        const messages = this.data.messages.concat([{from: m.from, text: m.text}]);
        this.setData({messages});
        console.log('room:', m.from + ':', m.text);
        if (m.from === 'bot') {
            // Got the answer: leave. closeSocket closes every open socket of the app.
            swan.closeSocket({code: 1000, reason: 'bye'});
        }
    }
});

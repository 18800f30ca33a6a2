App({ globalData: { room: 'wss://api.demo.test/chat?room=demo' } });

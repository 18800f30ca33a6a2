App({ globalData: { api: 'https://api.demo.test' } });

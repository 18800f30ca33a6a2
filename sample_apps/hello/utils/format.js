const config = require('./config.json');

function pad(n) {
    return n < 10 ? '0' + n : String(n);
}

module.exports = {
    time(date) {
        return [date.getHours(), date.getMinutes(), date.getSeconds()].map(pad).join(':');
    },
    greeting(name) {
        return config.greeting.replace('{name}', name);
    }
};

Component({
    properties: {
        name: {type: String, value: 'world'}
    },
    data: {
        shown: 0
    },
    lifetimes: {
        attached() {
            console.log('greeting component attached, name =', this.data.name);
        }
    }
});

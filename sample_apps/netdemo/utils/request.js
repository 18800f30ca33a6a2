// swan.request as a promise that always resolves: {ok, res} so a tour can go on.
export default function request(options) {
    let task;
    const promise = new Promise(resolve => {
        task = swan.request(Object.assign({}, options, {
            success: res => resolve({ok: true, res}),
            fail: err => resolve({ok: false, res: err})
        }));
    });
    promise.task = task;
    return promise;
}

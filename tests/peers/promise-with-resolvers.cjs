// js-ipfs 0.66.1's dependencies call Promise.withResolvers, which Node.js has only from version 22;
// the IPFS test daemon loads this with NODE_OPTIONS=--require (DESIGN §5).
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve
    let reject
    const promise = new this((resolvePromise, rejectPromise) => {
      resolve = resolvePromise
      reject = rejectPromise
    })
    return { promise, resolve, reject }
  }
}

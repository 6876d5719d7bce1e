// cooud-operation-4xx — every operation documents at least one 4xx response (GUIDE: "every operation
// documents its 4xx"): a client generated from the spec must know the error shape of a rejected request.
//
// Input: one OpenAPI Path Item (resolved). For each of its operations, `responses` must hold a key that is
// a 4xx status code (`400`..`499`) or the `4XX` range. `default` does not count: it says nothing about
// which failures are the client's fault.

import { isObject, operationsOf } from './_shared.js';

const FOUR_XX = /^4([0-9]{2}|XX)$/i;

export default function operation4xx(pathItem, _opts, context) {
  const results = [];
  for (const [method, operation] of operationsOf(pathItem)) {
    const responses = operation.responses;
    const keys = isObject(responses) ? Object.keys(responses) : [];
    if (!keys.some(k => FOUR_XX.test(k))) {
      results.push({
        message: `${method.toUpperCase()} operation documents no 4xx response: add at least one (e.g. 400 invalid_request).`,
        path: [...context.path, method, ...(isObject(responses) ? ['responses'] : [])],
      });
    }
  }
  return results;
}

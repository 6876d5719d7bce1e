// cooud-operation-security — `x-cooud-permission` and `security` agree, and authenticated operations
// document their 401.
//
// Why this rule exists: OWASP's `read-restricted` and `define-error-responses-401` cannot know that our
// market-data operations are public by design, so .spectral.yaml switches them off for exactly those
// operations. This rule keeps that safe: it uses the spec's own statement of who may call an operation.
//
// Input: one OpenAPI Path Item (resolved). For each operation with a string `x-cooud-permission`
// (its absence is reported by cooud-operation-metadata):
//   - `public`   => the effective security (operation `security`, else the root `security`, else none)
//                   allows anonymous calls: it is empty or contains the empty requirement `{}`;
//   - otherwise  => the effective security is non-empty and has no empty requirement, and the operation
//                   documents a `401` response (or the `4XX` range).

import { documentRoot, isObject, operationsOf } from './_shared.js';

function effectiveSecurity(operation, root) {
  if (Array.isArray(operation.security)) return operation.security;
  if (Array.isArray(root.security)) return root.security;
  return [];
}

export default function operationSecurity(pathItem, _opts, context) {
  const root = documentRoot(context);
  const results = [];
  for (const [method, operation] of operationsOf(pathItem)) {
    const permission = operation['x-cooud-permission'];
    if (typeof permission !== 'string') continue;
    const opPath = [...context.path, method];
    const security = effectiveSecurity(operation, root);
    const anonymous = security.length === 0 || security.some(req => isObject(req) && Object.keys(req).length === 0);
    if (permission === 'public') {
      if (!anonymous) {
        results.push({
          message: 'Operation is `x-cooud-permission: public` but its security requires credentials: declare `security: []`.',
          path: [...opPath, 'x-cooud-permission'],
        });
      }
      continue;
    }
    if (anonymous) {
      results.push({
        message: `Operation needs permission '${permission}' but its security allows anonymous calls: list the accepted security schemes.`,
        path: Array.isArray(operation.security) ? [...opPath, 'security'] : opPath,
      });
    }
    const responses = isObject(operation.responses) ? Object.keys(operation.responses) : [];
    if (!responses.some(k => k === '401' || k.toUpperCase() === '4XX')) {
      results.push({
        message: 'Operation takes credentials but documents no 401 response.',
        path: isObject(operation.responses) ? [...opPath, 'responses'] : opPath,
      });
    }
  }
  return results;
}

// cooud-idempotency-key — every POST, PATCH and DELETE takes a required `Idempotency-Key` header
// (GUIDE: "Idempotency-Key (UUID v4) on every POST/PATCH/DELETE ... Any exemption is written in the spec
// with its reason").
//
// Input: one OpenAPI Path Item (resolved). For each POST/PATCH/DELETE operation, the effective parameters
// (path-level overridden by operation-level) must contain `in: header`, name `Idempotency-Key` (HTTP header
// names are case-insensitive), `required: true`, with a `type: string` schema constrained by `format: uuid`
// or a `pattern`. An operation is exempt only when it carries
//   x-cooud-idempotency: {exempt: "<non-empty reason>"}
// An `x-cooud-idempotency.exempt` that is not a non-empty string is itself an error (an exemption without a
// reason). PUT is not covered: it is idempotent by definition and the conventions do not ask for the key.

import { effectiveParameters, isNonEmptyString, isObject, operationsOf } from './_shared.js';

const MUTATING = new Set(['post', 'patch', 'delete']);

/** JSON path of a parameter object: in the operation's own list, else in the Path Item's. */
function locate(param, pathItem, operation, itemPath, opPath) {
  const own = Array.isArray(operation.parameters) ? operation.parameters.indexOf(param) : -1;
  if (own >= 0) return [...opPath, 'parameters', own];
  const shared = Array.isArray(pathItem.parameters) ? pathItem.parameters.indexOf(param) : -1;
  return shared >= 0 ? [...itemPath, 'parameters', shared] : opPath;
}

export default function idempotencyKey(pathItem, _opts, context) {
  const results = [];
  for (const [method, operation] of operationsOf(pathItem)) {
    if (!MUTATING.has(method)) continue;
    const opPath = [...context.path, method];
    const ext = operation['x-cooud-idempotency'];
    if (isObject(ext) && ext.exempt !== undefined) {
      if (!isNonEmptyString(ext.exempt)) {
        results.push({
          message: 'x-cooud-idempotency.exempt must be a non-empty string giving the reason for the exemption.',
          path: [...opPath, 'x-cooud-idempotency', 'exempt'],
        });
      }
      continue;
    }
    const header = effectiveParameters(pathItem, operation).find(
      p => p.in === 'header' && typeof p.name === 'string' && p.name.toLowerCase() === 'idempotency-key',
    );
    if (header === undefined) {
      results.push({
        message: `${method.toUpperCase()} operation takes no Idempotency-Key header: add the required header, or x-cooud-idempotency: {exempt: "<reason>"}.`,
        path: opPath,
      });
      continue;
    }
    const where = locate(header, pathItem, operation, context.path, opPath);
    if (header.required !== true) {
      results.push({ message: 'The Idempotency-Key header must be `required: true`.', path: where });
    }
    const schema = header.schema;
    if (!isObject(schema) || schema.type !== 'string' || (schema.format !== 'uuid' && typeof schema.pattern !== 'string')) {
      results.push({
        message: 'The Idempotency-Key header must be a string schema with `format: uuid` or a `pattern` (a UUID v4).',
        path: where,
      });
    }
  }
  return results;
}

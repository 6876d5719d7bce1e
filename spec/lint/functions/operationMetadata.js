// cooud-operation-metadata — every operation carries the metadata the server, the generated client and the
// docs read from the spec (GUIDE: "Required scopes and rate-limit pool/weight per operation as vendor
// extensions that the server reads at start-up"; "Each operation lists the codes it can return").
//
// Input: one OpenAPI Path Item (resolved). For each operation:
//   - `operationId`, `summary`, `description`: non-empty strings (connexion resolves handlers by operationId);
//   - `tags`: exactly one tag (one handler module per tag);
//   - `x-cooud-permission`: a non-empty string (`public` for anonymous operations);
//   - `x-cooud-rate-limit`: an object with `pool` (non-empty string) and `weight` (integer >= 1);
//   - `x-cooud-errors`: a non-empty list of distinct codes, each a key of the root `x-cooud-error-catalogue`;
//     the catalogued HTTP status of every listed code must be a documented response of the operation
//     (its exact code, or its `4XX`/`5XX` range) — a client must be able to find the envelope;
//   - conversely every documented 4xx/5xx response must be explained by at least one listed code (a
//     response status with no code means the list is incomplete).
// The shape of the catalogue itself is checked by the rule `cooud-error-catalogue`.

import { documentRoot, isNonEmptyString, isObject, operationsOf } from './_shared.js';

function statusMatches(responseKey, status) {
  const key = String(responseKey).toUpperCase();
  const s = String(status);
  return key === s || (key.length === 3 && key.endsWith('XX') && key[0] === s[0]);
}

function checkOperation(operation, opPath, catalogue, results) {
  const report = (message, ...sub) => results.push({ message, path: [...opPath, ...sub] });

  for (const field of ['operationId', 'summary', 'description']) {
    if (!isNonEmptyString(operation[field])) report(`Operation must have a non-empty \`${field}\`.`);
  }

  const tags = operation.tags;
  if (!Array.isArray(tags) || tags.length !== 1 || !isNonEmptyString(tags[0])) {
    const n = Array.isArray(tags) ? tags.length : 0;
    report(`Operation must have exactly one tag (it has ${n}).`, ...(Array.isArray(tags) ? ['tags'] : []));
  }

  if (!isNonEmptyString(operation['x-cooud-permission'])) {
    report('Operation must declare the permission it needs in `x-cooud-permission` (`public` when anonymous).');
  }

  const rl = operation['x-cooud-rate-limit'];
  if (!isObject(rl)) {
    report('Operation must declare `x-cooud-rate-limit: {pool, weight}`.');
  } else {
    if (!isNonEmptyString(rl.pool)) report('`x-cooud-rate-limit.pool` must be a non-empty string.', 'x-cooud-rate-limit');
    if (!Number.isInteger(rl.weight) || rl.weight < 1) {
      report('`x-cooud-rate-limit.weight` must be an integer >= 1.', 'x-cooud-rate-limit');
    }
  }

  const errors = operation['x-cooud-errors'];
  if (!Array.isArray(errors) || errors.length === 0) {
    report('Operation must list the error codes it can return in `x-cooud-errors` (a non-empty list).');
    return;
  }
  if (!isObject(catalogue)) {
    report('`x-cooud-errors` needs the root `x-cooud-error-catalogue`, which is missing.', 'x-cooud-errors');
    return;
  }
  const responses = isObject(operation.responses) ? operation.responses : {};
  const seen = new Set();
  const listedStatuses = [];
  errors.forEach((code, i) => {
    if (!isNonEmptyString(code)) {
      report('`x-cooud-errors` entries must be error-code strings.', 'x-cooud-errors', i);
      return;
    }
    if (seen.has(code)) report(`Error code '${code}' is listed twice.`, 'x-cooud-errors', i);
    seen.add(code);
    const entry = catalogue[code];
    if (!isObject(entry)) {
      report(`Error code '${code}' is not in the root x-cooud-error-catalogue.`, 'x-cooud-errors', i);
      return;
    }
    listedStatuses.push(entry.status);
    if (!Object.keys(responses).some(k => statusMatches(k, entry.status))) {
      report(`Error code '${code}' has status ${entry.status}, but the operation documents no ${entry.status} response.`, 'x-cooud-errors', i);
    }
  });
  for (const key of Object.keys(responses)) {
    if (!/^[45]/.test(key)) continue;
    if (!listedStatuses.some(status => statusMatches(key, status))) {
      report(`Response ${key} is documented but no code in x-cooud-errors has that status.`, 'responses', key);
    }
  }
}

export default function operationMetadata(pathItem, _opts, context) {
  const catalogue = documentRoot(context)['x-cooud-error-catalogue'];
  const results = [];
  for (const [method, operation] of operationsOf(pathItem)) {
    checkOperation(operation, [...context.path, method], catalogue, results);
  }
  return results;
}

// Helpers shared by the Cooud custom Spectral functions in this directory.
//
// Not a rule function itself (it is not listed under `functions:` in .spectral.yaml); the rule functions
// import it with a relative ES-module import, which Spectral's ruleset bundler resolves offline.
//
// Conventions every rule function here follows:
// - Spectral lints the *resolved* document ($refs inlined), in which a recursive `$ref` becomes a cyclic
//   JavaScript object graph, so every schema walk carries a `seen`/`stack` set;
// - result paths are JSON paths from the document root (arrays of keys); Spectral maps them back to the
//   file and line the value came from, following `$ref`s, and drops duplicates with the same path and
//   message — so messages never mention the route by which a shared component was reached.

/** HTTP methods that can hold an Operation Object in an OpenAPI 3.0 Path Item. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isNonEmptyString(value) {
  return typeof value === 'string' && value.trim().length > 0;
}

/**
 * Yield `[method, operation]` for every operation of an OpenAPI Path Item.
 * @param {object} pathItem
 */
export function* operationsOf(pathItem) {
  if (!isObject(pathItem)) return;
  for (const method of HTTP_METHODS) {
    if (isObject(pathItem[method])) yield [method, pathItem[method]];
  }
}

/**
 * The parameters that apply to an operation: the Path Item's, overridden by the operation's own with the
 * same `name` + `in` (OpenAPI 3.0, Operation Object `parameters`). Header names compare case-insensitively.
 */
export function effectiveParameters(pathItem, operation) {
  const byKey = new Map();
  for (const list of [pathItem && pathItem.parameters, operation && operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (!isObject(p)) continue;
      const name = p.in === 'header' ? String(p.name).toLowerCase() : String(p.name);
      byKey.set(`${String(p.in)}:${name}`, p);
    }
  }
  return [...byKey.values()];
}

/** The root of the resolved document being linted (for root-level extensions such as the error catalogue). */
export function documentRoot(context) {
  const inventory = context.documentInventory;
  if (inventory && isObject(inventory.resolved)) return inventory.resolved;
  return context.document && isObject(context.document.data) ? context.document.data : {};
}

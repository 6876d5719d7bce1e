// cooud-decimal-strings — money and quantities travel as decimal *strings* with a `pattern`, never as JSON
// numbers (GUIDE "Contract conventions": "Money and quantities: decimal strings on the wire with a pattern;
// never floats").
//
// Input: a schema root (a component schema, a request/response/message payload schema) or a Parameter
// Object, taken from the *resolved* document, so `$ref`s are already inlined. The function walks every
// nested schema (properties, items, additionalProperties, allOf/oneOf/anyOf, not) and checks each
// property — and each parameter — whose NAME says it holds money or a quantity.
//
// A name is tokenised on `_`, `-`, `.` and camelCase humps, lower-cased: `best_bid_size` -> [best, bid, size],
// `quoteVolume` -> [quote, volume]. It denotes money/quantity when
//   1. it is a single token from EXACT_NAMES (price, size, open, free, remaining, ...), or
//   2. it has several tokens and the LAST one is in SUFFIX_TOKENS (`*_price`, `*_size`, `*_amount`, `*_rate`,
//      `*_fee`, `*_volume`, `*_percent`, `best_bid`, `price_change`, ...), or
//   3. it starts with `min`/`max` and the last token is NOT in COUNT_TOKENS (`min_size`, `max_notional` are
//      decimals; `price_precision`, `max_open_orders`, `max_depth`, `min_interval_ms` are integers),
// and it is not in NOT_DECIMAL_NAMES (`page_size` and friends, which are counts). In 1 and 2 a plural counts
// as its singular (`prices`, `bids`, `asks`, `balances`).
// Single words such as open/high/low/close/last/free/locked/change are matched only as the WHOLE name, so
// `open_time`, `is_open` or `last_trade_id` are not decimals.
//
// What the matched schema must be, after following `allOf` (a conjunction: the property's own schema, its
// allOf members, and — in an allOf composition — the same-named property of every member, so that the
// `price: {}` re-declaration a closed composition needs is judged together with the member's `Decimal`):
//   - never `number` or `integer` (anywhere in that conjunction);
//   - `type: string` with a `pattern` (own or from an allOf member, e.g. `allOf: [{$ref: Decimal}]`);
//   - an array: its `items` must satisfy the same (e.g. a list of prices);
//   - an object is allowed: a compound value such as `fee: {amount, asset}` is checked field by field;
//   - `oneOf`/`anyOf`: every branch must satisfy the above.
// Escape hatch for a false positive, written in the spec with its reason like every other exemption:
//   `x-cooud-decimal: {exempt: "<why this field is not a decimal>"}` on the property schema or parameter.
//
// Known limits: the check is name-based, so a decimal under a name outside these lists is not caught;
// headers are not checked (none of ours carries money). Results are reported at the source location of
// the offending schema; a component reached through several `$ref`s is reported once.

import { isNonEmptyString, isObject } from './_shared.js';

export const EXACT_NAMES = new Set([
  'price', 'size', 'amount', 'qty', 'quantity', 'notional', 'fee', 'fees', 'volume', 'balance', 'total',
  'free', 'locked', 'available', 'filled', 'remaining', 'open', 'high', 'low', 'close', 'last', 'change',
  'bid', 'ask', 'pnl', 'margin', 'equity', 'collateral', 'cost',
]);

export const SUFFIX_TOKENS = new Set([
  'price', 'size', 'amount', 'qty', 'quantity', 'notional', 'fee', 'fees', 'volume', 'balance', 'total',
  'rate', 'percent', 'pct', 'change', 'bid', 'ask', 'pnl', 'margin', 'equity', 'collateral', 'cost',
]);

// Last tokens that make a `min_*` / `max_*` name a count, precision, duration or identifier, not a decimal.
export const COUNT_TOKENS = new Set([
  'precision', 'precisions', 'decimals', 'digits', 'places', 'scale', 'count', 'number', 'orders', 'items',
  'levels', 'level', 'depth', 'length', 'len', 'limit', 'leverage', 'tier', 'attempts', 'retries', 'weight',
  'requests', 'connections', 'subscriptions', 'page', 'pages', 'id', 'ids', 'ms', 'millis', 'sec', 'secs',
  'seconds', 'minutes', 'mins', 'hours', 'days', 'interval', 'age', 'time', 'at', 'ts', 'date', 'version',
]);

// Whole names that look like quantities but are counts (pagination and batching sizes).
export const NOT_DECIMAL_NAMES = new Set(['page_size', 'max_page_size', 'batch_size', 'chunk_size', 'window_size']);

export function tokenize(name) {
  return String(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.\-\s]+/)
    .filter(Boolean);
}

/** `set` has the token, or the token is a plural (`prices`, `bids`, `fees`) of a member. */
function hasWord(set, token) {
  return set.has(token) || (token.length > 3 && token.endsWith('s') && set.has(token.slice(0, -1)));
}

export function isDecimalName(name) {
  const tokens = tokenize(name);
  if (tokens.length === 0 || NOT_DECIMAL_NAMES.has(tokens.join('_'))) return false;
  const last = tokens[tokens.length - 1];
  if (tokens.length === 1) return hasWord(EXACT_NAMES, last);
  if ((tokens[0] === 'min' || tokens[0] === 'max') && !COUNT_TOKENS.has(last)) return true;
  return hasWord(SUFFIX_TOKENS, last);
}

function isNullOnly(schema) {
  if (!isObject(schema)) return false;
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.length > 0 && schema.type.every(t => t === 'null'));
}

function isExempt(node) {
  const ext = isObject(node) ? node['x-cooud-decimal'] : undefined;
  return isObject(ext) && isNonEmptyString(ext.exempt);
}

/** Own `type` of a node as a Set, without 'null' (nullability is not what this rule checks). */
function ownTypes(schema) {
  const own = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  return new Set(own.filter(t => t !== 'null'));
}

/** The entries plus, transitively, their allOf members: together they are one conjunction. */
function flattenAllOf(entries, seen) {
  const out = [];
  const stack = [...entries];
  while (stack.length > 0) {
    const entry = stack.shift();
    if (!isObject(entry.schema) || seen.has(entry.schema)) continue;
    seen.add(entry.schema);
    out.push(entry);
    if (Array.isArray(entry.schema.allOf)) {
      entry.schema.allOf.forEach((m, i) => stack.push({ schema: m, path: [...entry.path, 'allOf', i] }));
    }
  }
  return out;
}

const SHOULD_BE = 'it must be a decimal string (type: string with a pattern)';

/**
 * Problems ({message, path}) of one money/quantity-named field; [] when it is fine.
 * `entries` are the schemas that together constrain the field ({schema, path}): normally one, several when
 * an allOf composition declares the property in more than one member. `label` names the field in messages.
 */
function checkDecimal(entries, label, seen) {
  const flat = flattenAllOf(entries, seen);
  if (flat.length === 0) {
    return entries.length > 0 && entries.every(e => !isObject(e.schema) && e.schema !== undefined)
      ? [{ message: `${label} denotes money or a quantity: ${SHOULD_BE}.`, path: entries[0].path }]
      : [];
  }
  if (flat.some(e => isExempt(e.schema))) return [];

  const numeric = flat.find(e => ownTypes(e.schema).has('number') || ownTypes(e.schema).has('integer'));
  if (numeric !== undefined) {
    const t = [...ownTypes(numeric.schema)].join('/');
    return [{ message: `${label} denotes money or a quantity: ${SHOULD_BE}, never type ${t}.`, path: numeric.path }];
  }
  const types = new Set(flat.flatMap(e => [...ownTypes(e.schema)]));
  if (types.size === 0) {
    const problems = [];
    for (const e of flat) {
      for (const k of ['oneOf', 'anyOf']) {
        if (!Array.isArray(e.schema[k])) continue;
        e.schema[k].forEach((branch, i) => {
          if (isNullOnly(branch)) return; // JSON Schema `{type: 'null'}` branch of a nullable decimal
          problems.push(...checkDecimal([{ schema: branch, path: [...e.path, k, i] }], `${label} (${k} branch ${i})`, seen));
        });
      }
    }
    if (flat.some(e => Array.isArray(e.schema.oneOf) || Array.isArray(e.schema.anyOf))) return problems;
  }
  // A compound value (e.g. fee: {amount, asset}): its fields are checked by their own names.
  if (types.has('object') || (types.size === 0 && flat.some(e => isObject(e.schema.properties)))) return [];
  if (types.has('array')) {
    const items = flat.filter(e => isObject(e.schema.items)).map(e => ({ schema: e.schema.items, path: [...e.path, 'items'] }));
    const problems = checkDecimal(items, `${label} (items)`, seen);
    // JSON Schema tuple form (`items: [A, B]`, AsyncAPI only): every position is checked on its own.
    for (const e of flat.filter(x => Array.isArray(x.schema.items))) {
      e.schema.items.forEach((item, i) => {
        problems.push(...checkDecimal([{ schema: item, path: [...e.path, 'items', i] }], `${label} (item ${i})`, seen));
      });
    }
    return problems;
  }
  if (!types.has('string')) {
    const what = types.size === 0 ? 'has no type' : `is type ${[...types].join('/')}`;
    return [{ message: `${label} denotes money or a quantity but ${what}: ${SHOULD_BE}.`, path: entries[0].path }];
  }
  if (!flat.some(e => typeof e.schema.pattern === 'string')) {
    return [{
      message: `${label} is a decimal string without a pattern: add one (or $ref a Decimal schema) so that only decimal numbers are accepted.`,
      path: entries[0].path,
    }];
  }
  return [];
}

/** Property schemas by name, from a node and (transitively) its allOf members. */
function collectProperties(schema, path, out, seen) {
  if (!isObject(schema) || seen.has(schema)) return out;
  seen.add(schema);
  if (isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (!out.has(name)) out.set(name, []);
      out.get(name).push({ schema: sub, path: [...path, 'properties', name] });
    }
  }
  if (Array.isArray(schema.allOf)) schema.allOf.forEach((m, i) => collectProperties(m, [...path, 'allOf', i], out, seen));
  return out;
}

const CHILD_LISTS = ['oneOf', 'anyOf'];
const CHILD_SINGLE = ['items', 'additionalProperties', 'not'];

/**
 * Walk every schema under `schema`, checking decimal-named properties. The properties of allOf members are
 * checked together with the composing node's (`covered`), as one conjunction per name.
 */
function walkSchema(schema, path, results, seen, covered = false) {
  if (!isObject(schema) || seen.has(schema)) return;
  seen.add(schema);
  if (!covered) {
    for (const [name, entries] of collectProperties(schema, path, new Map(), new Set())) {
      if (isDecimalName(name)) results.push(...checkDecimal(entries, `Property '${name}'`, new Set()));
    }
  }
  for (const key of ['properties', 'patternProperties']) {
    if (isObject(schema[key])) {
      for (const [name, sub] of Object.entries(schema[key])) walkSchema(sub, [...path, key, name], results, seen);
    }
  }
  if (Array.isArray(schema.allOf)) schema.allOf.forEach((m, i) => walkSchema(m, [...path, 'allOf', i], results, seen, true));
  for (const key of CHILD_LISTS) {
    if (Array.isArray(schema[key])) schema[key].forEach((sub, i) => walkSchema(sub, [...path, key, i], results, seen));
  }
  for (const key of CHILD_SINGLE) {
    if (Array.isArray(schema[key])) schema[key].forEach((sub, i) => walkSchema(sub, [...path, key, i], results, seen));
    else walkSchema(schema[key], [...path, key], results, seen);
  }
}

/**
 * @param {object} target  a schema, an AsyncAPI Multi Format Schema Object, or a Parameter Object
 * @param {null} _opts
 * @param {{path: Array<string|number>}} context
 */
export default function decimalStrings(target, _opts, context) {
  if (!isObject(target)) return [];
  const results = [];
  const root = context.path;

  // A Parameter Object (OpenAPI): has `in` and `name`; its schema is `schema` or content[*].schema.
  if (typeof target.in === 'string' && typeof target.name === 'string') {
    if (isDecimalName(target.name) && !isExempt(target)) {
      const label = `Parameter '${target.name}'`;
      if (isObject(target.schema)) {
        results.push(...checkDecimal([{ schema: target.schema, path: [...root, 'schema'] }], label, new Set()));
      } else if (isObject(target.content)) {
        for (const [media, mt] of Object.entries(target.content)) {
          results.push(...checkDecimal([{ schema: mt && mt.schema, path: [...root, 'content', media, 'schema'] }], label, new Set()));
        }
      }
    }
    if (isObject(target.schema)) walkSchema(target.schema, [...root, 'schema'], results, new Set());
    return results;
  }

  // AsyncAPI 3 Multi Format Schema Object: {schemaFormat, schema}.
  if (typeof target.schemaFormat === 'string' && isObject(target.schema)) {
    walkSchema(target.schema, [...root, 'schema'], results, new Set());
    return results;
  }

  walkSchema(target, root, results, new Set());
  return results;
}

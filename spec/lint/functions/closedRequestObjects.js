// cooud-closed-request-objects — request objects are closed (GUIDE: "request objects are closed
// (`additionalProperties: false`)"; the spec's own Conventions: an unknown body field is rejected with
// `400 invalid_request`).
//
// Input: the schema of one request body media type (OpenAPI) or the payload of a message the server
// receives (AsyncAPI 3 `receive` operations), from the *resolved* document ($refs inlined).
// Every object schema reachable from it — the body itself, nested property objects, array items,
// oneOf/anyOf branches — must say `additionalProperties: false`. A map (`additionalProperties: {schema}`)
// or an omitted `additionalProperties` is reported.
//
// `allOf` needs care in OpenAPI 3.0 (there is no `unevaluatedProperties`): a closed member rejects the
// properties of the other members. So:
//   - `allOf` with ONE object member and no own `properties` (the "$ref plus description" idiom) is checked
//     as if it were that member: the member must be closed;
//   - a real composition (two or more object members, or own `properties` plus an object member) must be
//     closed on the composing schema, which must also re-declare in its own `properties` every property
//     name of its members (additionalProperties only sees sibling `properties`), and its object members
//     must NOT be closed.
// An "object schema" is one with `type: object`, or without a `type` but with `properties`,
// `patternProperties` or `additionalProperties`.
//
// Known limits: query/header parameters with object schemas are not checked (none exist; style/explode
// objects would need their own rule). Response schemas are deliberately not checked: responses are open.

import { isObject } from './_shared.js';

function isObjectSchema(schema) {
  if (!isObject(schema)) return false;
  if (schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'))) return true;
  return (
    schema.type === undefined &&
    (isObject(schema.properties) || isObject(schema.patternProperties) || schema.additionalProperties !== undefined)
  );
}

/** Whether an allOf member contributes object structure (itself, or through its own allOf). */
function isObjectMember(schema, seen = new Set()) {
  if (!isObject(schema) || seen.has(schema)) return false;
  seen.add(schema);
  if (isObjectSchema(schema)) return true;
  return Array.isArray(schema.allOf) && schema.allOf.some(m => isObjectMember(m, seen));
}

/** Property names a schema declares, through nested allOf. */
function declaredPropertyNames(schema, seen = new Set()) {
  const names = new Set();
  if (!isObject(schema) || seen.has(schema)) return names;
  seen.add(schema);
  if (isObject(schema.properties)) for (const n of Object.keys(schema.properties)) names.add(n);
  if (Array.isArray(schema.allOf)) for (const m of schema.allOf) for (const n of declaredPropertyNames(m, seen)) names.add(n);
  return names;
}

function openMessage(schema) {
  if (schema.additionalProperties === undefined) {
    return 'Request object is open: add `additionalProperties: false` (request objects are closed: unknown fields are rejected).';
  }
  const ap = schema.additionalProperties;
  const shown = ap === true ? 'true' : isObject(ap) ? 'a schema, i.e. an open map' : JSON.stringify(ap);
  return `Request object must be closed with \`additionalProperties: false\` (it has additionalProperties: ${shown}).`;
}

/**
 * @param schema     node to check
 * @param path       its JSON path
 * @param asFragment true for an object member of a real allOf composition (closed by its parent)
 */
function check(schema, path, results, stack, asFragment = false) {
  if (!isObject(schema) || stack.has(schema)) return;
  stack.add(schema);
  try {
    const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
    const objectMembers = allOf.filter(m => isObjectMember(m));
    const ownProps = isObject(schema.properties) && Object.keys(schema.properties).length > 0;
    const composition = objectMembers.length >= 2 || (objectMembers.length >= 1 && ownProps);

    if (composition) {
      if (!asFragment && schema.additionalProperties !== false) {
        results.push({
          message: 'Request object composed with allOf must itself say `additionalProperties: false` and re-declare its members\' properties.',
          path,
        });
      }
      if (!asFragment && schema.additionalProperties === false) {
        const own = new Set(isObject(schema.properties) ? Object.keys(schema.properties) : []);
        const missing = [...declaredPropertyNames({ allOf })].filter(n => !own.has(n)).sort();
        if (missing.length > 0) {
          results.push({
            message: `Closed allOf composition rejects its members' properties ${missing.map(n => `'${n}'`).join(', ')}: list them in its own \`properties\` too.`,
            path,
          });
        }
      }
      allOf.forEach((m, i) => {
        if (isObjectMember(m) && isObject(m) && m.additionalProperties === false) {
          results.push({
            message: 'A closed object inside allOf rejects the other members\' properties: leave members open and close the composing schema.',
            path: [...path, 'allOf', i],
          });
        }
        check(m, [...path, 'allOf', i], results, stack, isObjectMember(m));
      });
    } else {
      // Not a composition: the "$ref plus description" idiom passes the object check down to its one member.
      allOf.forEach((m, i) => check(m, [...path, 'allOf', i], results, stack, asFragment));
      if (!asFragment && objectMembers.length === 0 && isObjectSchema(schema) && schema.additionalProperties !== false) {
        results.push({ message: openMessage(schema), path });
      }
    }

    if (isObject(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) check(sub, [...path, 'properties', name], results, stack);
    }
    if (isObject(schema.patternProperties)) {
      for (const [name, sub] of Object.entries(schema.patternProperties)) check(sub, [...path, 'patternProperties', name], results, stack);
    }
    if (Array.isArray(schema.items)) schema.items.forEach((sub, i) => check(sub, [...path, 'items', i], results, stack));
    else check(schema.items, [...path, 'items'], results, stack);
    if (isObject(schema.additionalProperties)) check(schema.additionalProperties, [...path, 'additionalProperties'], results, stack);
    for (const key of ['oneOf', 'anyOf']) {
      if (Array.isArray(schema[key])) schema[key].forEach((sub, i) => check(sub, [...path, key, i], results, stack));
    }
  } finally {
    stack.delete(schema);
  }
}

/**
 * @param {object} schema  a request body media type's schema, or a received message's payload (resolved)
 * @param {null} _opts
 * @param {{path: Array<string|number>}} context
 */
export default function closedRequestObjects(schema, _opts, context) {
  const results = [];
  // AsyncAPI 3 Multi Format Schema Object: {schemaFormat, schema}.
  if (isObject(schema) && typeof schema.schemaFormat === 'string' && isObject(schema.schema)) {
    check(schema.schema, [...context.path, 'schema'], results, new Set());
  } else {
    check(schema, context.path, results, new Set());
  }
  return results;
}

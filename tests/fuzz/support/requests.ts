// Requests generated from one OpenAPI operation: valid ones (to reach deep code) and ones broken in a single place,
// so a failure points at one cause. Everything the outside testers sent is here: wrong types, edge numbers, huge and
// odd strings, repeated parameters, bad percent-encoding, bad timestamps, malformed JSON, wrong content types.
import fc from 'fast-check';
import {
  anyJson,
  badTimestamp,
  edgeNumber,
  hostileValue,
  nastyString,
  validValue,
  type Json,
  type Schema,
} from './schema-arbitrary';

export type Identity = 'admin' | 'viewer' | 'anonymous' | 'garbage';

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  description?: string;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** OpenAPI template: /api/racks/{id} */
  path: string;
  parameters: Parameter[];
  body?: { contentTypes: string[]; schema: Schema };
}

export interface FuzzRequest {
  method: string;
  /** concrete path, percent-encoding exactly as sent */
  path: string;
  /** raw query string without "?" (may hold deliberately broken encodings) */
  query: string;
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  as: Identity;
}

/** What a `garbage` caller sends instead of credentials: forged, truncated and oversized tokens and cookies. */
export const garbageCredentials: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc
    .constantFrom(
      'Bearer not.a.jwt',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIn0.',
      'Bearer dcp_',
      'Bearer dcp_' + 'A'.repeat(64),
      'Bearer dcp_%00%zz',
      'Bearer ' + 'a'.repeat(10_000),
      'Bearer',
      'Basic YWRtaW46YWRtaW4xMjM=',
      'bearer  x y',
    )
    .map((v) => ({ Authorization: v })),
  fc
    .constantFrom(
      'dc_session=garbage',
      'dc_refresh=garbage',
      'dc_session=a.b.c; dc_refresh=' + 'x'.repeat(5000),
      'dc_refresh=%zz',
    )
    .map((v) => ({ Cookie: v, Origin: 'https://evil.example' })),
);

/** Ids the fixtures created, so generated requests also reach existing objects, not only 404s. */
export interface Fixtures {
  /** ids that exist for a path parameter, by the path's first segment (`racks`, `users`, `sessions` ...) */
  pathIds(path: string): string[];
  /** values for body/query fields of this name (`rack_id`, `datacenter_id`, `server` ...) */
  field(name: string): Json[] | undefined;
}

export interface Knobs {
  /** leave out the four classes of 500 being fixed in the shared machinery (development only) */
  skipKnown: boolean;
}

/** Operations of an OpenAPI 3.1 document, in document order. */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const content = op.requestBody?.content as Record<string, { schema: Schema }> | undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: content ? { contentTypes: Object.keys(content), schema: Object.values(content)[0].schema } : undefined,
      });
    }
  }
  return ops;
}

/** encodeURIComponent, taking lone surrogates too (as U+FFFD: broken bytes are generated on purpose elsewhere) */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
}
const str = (x: Json): string => (typeof x === 'string' ? x : JSON.stringify(x));

/** Path parameter values: existing ids, then every shape an id must not take. */
function pathValue(p: Parameter, op: Operation, fx: Fixtures): fc.Arbitrary<string> {
  const existing = fx.pathIds(op.path);
  return fc.oneof(
    { weight: 4, arbitrary: existing.length ? fc.constantFrom(...existing).map(enc) : fc.constant('1') },
    { weight: 2, arbitrary: validValue(p.schema).map((x) => enc(str(x))) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map(String) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '00',
        '01',
        '1.5',
        '1e3',
        'abc',
        'null',
        '%00',
        '%zz',
        '%',
        '%E0%A4%A',
        '%2F',
        '%20',
        '..',
        '9'.repeat(40),
        '9007199254740993',
        '9999999999999999',
        '2147483648',
        '18446744073709551616',
        enc('😀'),
        enc('\u202E1'),
        'x'.repeat(2000),
      ),
    },
  );
}

/** The "Sortable: a, b, c." list a list endpoint documents for `sort`. */
const sortableOf = (p: Parameter | undefined) =>
  /Sortable: ([^.]+)\./.exec(p?.description ?? '')?.[1].split(', ') ?? ['id'];

const isIdList = (p: Parameter) => /(^|_)id$/.test(p.name) || /comma-separated/.test(p.description ?? '');
const isTime = (p: Parameter) => /^(from|to|.*_(before|after|at))$/.test(p.name);

function validParam(p: Parameter, fx: Fixtures): fc.Arbitrary<string> {
  const known = fx.field(p.name);
  const generated = isTime(p)
    ? fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString())
    : p.name === 'sort'
      ? fc
          .subarray(sortableOf(p), { minLength: 1, maxLength: 3 })
          .map((fs) => fs.map((f, i) => (i % 2 ? '-' : '') + f).join(','))
      : p.name === 'limit' || p.name === 'offset'
        ? fc.integer({ min: 0, max: 200 }).map(String)
        : validValue(p.schema).map(str);
  return (known ? fc.oneof(fc.constantFrom(...known).map(str), generated) : generated).map(enc);
}

/** One query parameter broken (or an absurd amount of a legal thing), already encoded for the query string. */
function hostileParam(p: Parameter): fc.Arbitrary<[string, string][]> {
  const one = (a: fc.Arbitrary<string>) => a.map((v): [string, string][] => [[p.name, v]]);
  const options: fc.Arbitrary<[string, string][]>[] = [
    one(hostileValue(p.schema).map((x) => enc(str(x)))),
    one(nastyString.map(enc)),
    one(edgeNumber.map((n) => enc(String(n)))),
    one(fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%FF%FE', '%00', '%u0041', '+%2B+', '%%')),
    // repeated parameter: servers take the first, proxies the last; either way not a 500
    fc.tuple(validValue(p.schema), nastyString).map(([a, b]): [string, string][] => [
      [p.name, enc(str(a))],
      [p.name, enc(b)],
    ]),
  ];
  if (isTime(p)) options.push(one(badTimestamp.map((t) => enc(String(t)))));
  return fc.oneof(...options);
}

/** A search D1 refuses as a LIKE pattern (over ~50 bytes) but the 200-character limit lets through. */
function likeTooLong(encoded: string): boolean {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    return false;
  }
  return new TextEncoder().encode(text).length > 12 && text.trim().length <= 200;
}

/**
 * Legal list parameters in absurd amounts: hundreds of ids, hundreds of sort terms, a search of 30-200 characters
 * (D1 caps LIKE patterns at 50 bytes). Three of the four known classes of 500, so left out with `skipKnown`.
 */
function absurdListParams(params: Parameter[], knobs: Knobs): fc.Arbitrary<[string, string]> | undefined {
  if (knobs.skipKnown) return undefined;
  const options: fc.Arbitrary<[string, string]>[] = [];
  const ids = params.filter(isIdList);
  if (ids.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...ids), fc.integer({ min: 100, max: 2000 }))
        .map(([p, n]): [string, string] => [p.name, Array.from({ length: n }, (_, i) => i + 1).join(',')]),
    );
  }
  const sort = params.find((p) => p.name === 'sort');
  if (sort) {
    const fields = sortableOf(sort);
    options.push(
      fc
        .integer({ min: 50, max: 600 })
        .map((n): [string, string] => [
          'sort',
          Array.from({ length: n }, (_, i) => (i % 2 ? '-' : '') + fields[i % fields.length]).join(','),
        ]),
    );
  }
  if (params.some((p) => p.name === 'q')) {
    options.push(
      fc
        .tuple(fc.integer({ min: 30, max: 200 }), fc.constantFrom('a', '%', '_', 'é'))
        .map(([n, c]): [string, string] => ['q', enc(c.repeat(n))]),
    );
  }
  return options.length ? fc.oneof(...options) : undefined;
}

function queryString(op: Operation, fx: Fixtures, knobs: Knobs): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const valid = fc
    .tuple(
      ...params.map((p) =>
        fc
          .option(validParam(p, fx), { freq: p.required ? 20 : 2, nil: undefined })
          .map((v) => (v === undefined ? [] : [[p.name, v] as [string, string]])),
      ),
    )
    .map((parts) => parts.flat());
  let broken = params.length
    ? fc
        .tuple(
          valid,
          fc.constantFrom(...params).chain((p) => hostileParam(p)),
        )
        .map(([ok, bad]) => [...ok.filter(([k]) => !bad.some(([b]) => b === k)), ...bad])
    : valid;
  const absurd = absurdListParams(params, knobs);
  if (absurd)
    broken = fc.oneof(
      broken,
      fc.tuple(valid, absurd).map(([ok, bad]) => [...ok.filter(([k]) => k !== bad[0]), bad]),
    );
  const extra = fc
    .tuple(valid, fc.string({ maxLength: 12 }), nastyString)
    .map(([ok, k, v]) => [...ok, [enc(k), enc(v)] as [string, string]]);
  return fc
    .oneof({ weight: 3, arbitrary: valid }, { weight: 5, arbitrary: broken }, { weight: 1, arbitrary: extra })
    .filter((pairs) => !knobs.skipKnown || !pairs.some(([k, v]) => k === 'q' && likeTooLong(v)))
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}

/** Replace fixture-backed fields (`rack_id`, `datacenter_id` ...) with existing ids half of the time. */
function withFixtures(value: Json, fx: Fixtures): fc.Arbitrary<Json> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fc.constant(value);
  const keys = Object.keys(value).filter((k) => fx.field(k));
  if (!keys.length) return fc.constant(value);
  return fc.tuple(...keys.map((k) => fc.option(fc.constantFrom(...fx.field(k)!), { nil: undefined }))).map((picked) => {
    const out = { ...value } as Record<string, Json>;
    keys.forEach((k, i) => {
      if (picked[i] !== undefined) out[k] = picked[i]!;
    });
    return out;
  });
}

/** The object schema inside a body schema (a bulk create is `anyOf: [item, array of item]`). */
const objectSchemaOf = (s: Schema): Schema | undefined =>
  s.type === 'object'
    ? s
    : s.type === 'array'
      ? objectSchemaOf(s.items ?? {})
      : (s.anyOf ?? []).map(objectSchemaOf).find(Boolean);

function brokenObject(s: Schema, fx: Fixtures): fc.Arbitrary<Json> {
  const obj = objectSchemaOf(s);
  if (!obj?.properties || !Object.keys(obj.properties).length) return hostileValue(s);
  const props = Object.keys(obj.properties);
  const valid = validValue(obj).chain((v) => withFixtures(v, fx)) as fc.Arbitrary<Record<string, Json>>;
  const required: string[] = obj.required ?? [];
  const mutations: fc.Arbitrary<Json>[] = [
    // one field of the wrong type or at an absurd size or edge
    fc
      .tuple(valid, fc.constantFrom(...props))
      .chain(([v, k]) => hostileValue(obj.properties[k]).map((bad) => ({ ...v, [k]: bad }))),
    // an extra field, including ones that must never be writable
    fc
      .tuple(
        valid,
        fc.constantFrom('id', 'created_at', 'password_hash', '__proto__', 'constructor', 'x'.repeat(300)),
        anyJson,
      )
      .map(([v, k, x]) => ({ ...v, [k]: x })),
  ];
  if (required.length) {
    mutations.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
        const { [k]: _, ...rest } = v;
        return rest;
      }),
    );
  }
  return fc.oneof(...mutations);
}

interface Body {
  body?: string | Uint8Array;
  contentType?: string;
}

const JSON_TYPE = 'application/json';

function bodyOf(op: Operation, fx: Fixtures): fc.Arbitrary<Body> {
  if (!op.body) {
    // a body nobody asked for must not matter either (GET cannot carry one)
    if (op.method === 'GET') return fc.constant({});
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant<Body>({}) },
      { weight: 1, arbitrary: anyJson.map((x): Body => ({ body: JSON.stringify(x), contentType: JSON_TYPE })) },
    );
  }
  const schema = op.body.schema;
  const valid = validValue(schema).chain((v) => (Array.isArray(v) ? fc.constant(v) : withFixtures(v, fx)));
  const form = op.body.contentTypes.includes('application/x-www-form-urlencoded');
  const asJson = (a: fc.Arbitrary<Json>) => a.map((x): Body => ({ body: JSON.stringify(x), contentType: JSON_TYPE }));
  const asForm = (a: fc.Arbitrary<Json>) =>
    a.map((x): Body => ({
      body: Object.entries(x && typeof x === 'object' ? x : { x })
        .map(([k, v]) => `${enc(k)}=${enc(str(v as Json))}`)
        .join('&'),
      contentType: 'application/x-www-form-urlencoded',
    }));
  return fc.oneof(
    { weight: 4, arbitrary: asJson(valid) },
    ...(form ? [{ weight: 3, arbitrary: asForm(fc.oneof(valid, brokenObject(schema, fx))) }] : []),
    { weight: 6, arbitrary: asJson(brokenObject(schema, fx)) },
    { weight: 2, arbitrary: asJson(hostileValue(schema)) },
    // bulk: an array of a few (often conflicting) items, or of far too many
    {
      weight: 1,
      arbitrary: asJson(fc.array(fc.oneof(valid, brokenObject(schema, fx)), { minLength: 0, maxLength: 4 })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, fc.nat()).map(([v, cut]): Body => {
        const text = JSON.stringify(v);
        return { body: text.slice(0, cut % Math.max(text.length, 1)), contentType: JSON_TYPE };
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          '{',
          '{"a":',
          'nul',
          '[1,]',
          "{'a':1}",
          '\uFEFF{}',
          '{"a":1}{"b":2}',
          '1e99999',
          '"' + 'x'.repeat(300_000) + '"',
          '[]',
          '   ',
        )
        .map((body): Body => ({ body, contentType: JSON_TYPE })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            undefined,
            'text/plain',
            'application/xml',
            'multipart/form-data',
            'application/json; charset=utf-16',
            'application/jsonx',
            '*/*',
            'json',
          ),
        )
        .map(([v, contentType]): Body => ({ body: JSON.stringify(v), contentType })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b): Body => ({ body: b, contentType: JSON_TYPE })),
    },
  );
}

const identity: fc.Arbitrary<Identity> = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Identity>('admin') },
  { weight: 3, arbitrary: fc.constant<Identity>('viewer') },
  { weight: 2, arbitrary: fc.constant<Identity>('anonymous') },
  { weight: 1, arbitrary: fc.constant<Identity>('garbage') },
);

/** Requests for one operation. */
export function requestsFor(op: Operation, fx: Fixtures, knobs: Knobs): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(p, op, fx)))
    .map((values) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i]), op.path));
  return fc
    .record({
      path,
      query: queryString(op, fx, knobs),
      body: bodyOf(op, fx),
      as: identity,
      garbage: garbageCredentials,
    })
    .map(({ path, query, body, as, garbage }) => ({
      method: op.method,
      path,
      query,
      as,
      ...body,
      ...(as === 'garbage' ? { headers: garbage } : {}),
    }));
}

// JSON Schema (the subset buildOpenApi emits from valibot) -> fast-check arbitraries: values the schema accepts,
// and hostile values that break it in one place (wrong type, boundary number, huge or odd string, missing field).
import fc from 'fast-check';

export type Schema = Record<string, any>;
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Strings that have broken real servers: LIKE wildcards, NUL, RTL override, emoji, SQL, 10k characters. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '%',
    '_',
    '%_%',
    '\\',
    "'",
    '"',
    "' OR 1=1 --",
    '\u0000',
    'a\u0000b',
    '\u202Eevil\u202C',
    '\uFEFF',
    '\uD800',
    '😀'.repeat(50),
    'ǅ̴̡̛̖̜͈̞̈́',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'null',
    'undefined',
    'NaN',
    '-Infinity',
    '1e308',
    '-1',
    '0',
    '9007199254740993',
    '2147483648',
    '0x10',
    '1,2,3',
    'true',
    '[]',
    '{}',
  ),
  fc.constantFrom('x', '%', '_', '😀', '\u0000', 'é').map((c) => c.repeat(10_000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Numbers at and past every edge a column or a Date can have. */
export const edgeNumber: fc.Arbitrary<number> = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  2 ** 63,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  8.64e15,
  8.64e15 + 1,
  9_000_000_000_000_000,
);

/** Timestamps a date parser or a Date constructor chokes on, as ISO-ish strings and as numbers. */
export const badTimestamp: fc.Arbitrary<string | number> = fc.oneof(
  fc.constantFrom(
    '+287000-01-01T00:00:00Z',
    '287000-01-01T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '0000-00-00',
    '9999-12-31T23:59:59.999Z',
    '2024-02-30',
    '2024-13-01T00:00:00Z',
    '2024-01-01T25:61:61Z',
    '2024-01-01T00:00:00+99:99',
    '1970-01-01',
    '0001-01-01T00:00:00Z',
    'NaN',
    'now',
    'yesterday',
    '',
    '1e999',
    '-1',
  ),
  fc.constantFrom(
    -1,
    0,
    8.64e15 + 1,
    9_000_000_000_000_000,
    1e308,
    -1e308,
    2 ** 53,
    9_000_000_000_000 /* year 287,000 in ms */,
  ),
);

/** Any JSON value, including deep nesting, for "wrong type" substitutions. */
export const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
    JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":1}}') as Json,
  ),
  edgeNumber,
  nastyString,
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const alternatives = (s: Schema): Schema[] | undefined => s.anyOf ?? s.oneOf;

/** A value the schema accepts (best effort: `format` and cross-field rules are the server's to refuse). */
export function validValue(s: Schema, depth = 0): fc.Arbitrary<Json> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = alternatives(s);
  if (alts) return fc.oneof(...alts.map((a) => validValue(a, depth)));
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000);
      return s.type === 'integer'
        ? fc.integer({ min: Math.ceil(min), max: Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER) })
        : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'string':
      return stringValue(s);
    case 'array': {
      // Short arrays keep requests cheap, but never shorter than the schema's own minimum.
      const minLength = s.minItems ?? 0;
      return fc.array(validValue(s.items ?? {}, depth + 1), {
        minLength,
        maxLength: Math.min(s.maxItems ?? Infinity, Math.max(minLength, 4)),
      });
    }
    case 'object':
      return objectValue(s, depth);
    default:
      return depth > 2 ? fc.constant(null) : anyJson;
  }
}

function stringValue(s: Schema): fc.Arbitrary<string> {
  if (s.format === 'email') return fc.emailAddress().filter((e) => e.length <= (s.maxLength ?? 254));
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (s.pattern) {
    const max = s.maxLength ?? Infinity;
    return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= (s.minLength ?? 0) && x.length <= max);
  }
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 24, 24) });
}

function objectValue(s: Schema, depth: number): fc.Arbitrary<Json> {
  const props: Record<string, Schema> = s.properties ?? {};
  const required = new Set<string>(s.required ?? []);
  const model: Record<string, fc.Arbitrary<Json>> = {};
  for (const [k, p] of Object.entries(props)) model[k] = validValue(p, depth + 1);
  if (!Object.keys(model).length && s.additionalProperties) {
    const keys = s.propertyNames ? stringValue(s.propertyNames) : fc.string({ maxLength: 8 });
    return fc.dictionary(keys, validValue(s.additionalProperties, depth + 1), { maxKeys: 4 }) as fc.Arbitrary<Json>;
  }
  return fc.record(model, { requiredKeys: [...required].filter((k) => k in model) }) as fc.Arbitrary<Json>;
}

/** A value of the wrong kind for this schema (or a right kind at an absurd size or edge). */
export function hostileValue(s: Schema): fc.Arbitrary<Json> {
  const kinds = new Set<string>([s.type, ...(alternatives(s) ?? []).map((a) => a.type)].filter(Boolean));
  const options: fc.Arbitrary<Json>[] = [anyJson, nastyString, edgeNumber];
  if (kinds.has('number') || kinds.has('integer')) {
    options.push(fc.constantFrom<Json>('1', '1e308', 'NaN', 'Infinity', 1.5, -1, 0, true, null));
  }
  if (kinds.has('string')) options.push(badTimestamp, fc.constantFrom<Json>(1, true, ['a'], { a: 1 }));
  if (kinds.has('array')) {
    options.push(
      fc.constantFrom<Json>(
        'a',
        {},
        [null],
        Array.from({ length: 1001 }, () => ({})),
      ),
    );
  }
  if (kinds.has('object')) options.push(fc.constantFrom<Json>('a', [], 1, null, [{}]));
  return fc.oneof(...options);
}

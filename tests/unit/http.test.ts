// Pure HTTP helpers: Link-header pagination, strict query strings and list query parsing.
import { describe, expect, it } from 'vitest';
import { paginationLinks } from '../../worker/platform/http/pagination';
import { DEFAULT_LIMIT, MAX_LIMIT, parseListQuery, type FilterSpec } from '../../worker/platform/http/list-query';
import { strictQuery } from '../../worker/platform/http/query-params';
import { ProblemError } from '../../worker/platform/http/problem';

const url = new URL('http://localhost/api/servers?status=active&limit=10&offset=20');
/** rel -> offset */
const offsets = (header: string) =>
  Object.fromEntries(
    [...header.matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [
      m[2],
      Number(new URL(m[1], 'http://localhost').searchParams.get('offset')),
    ]),
  );

describe('paginationLinks', () => {
  it('gives first, prev, next and last in the middle of a result', () => {
    // 95 rows, 10 per page, at 20: prev 10, next 30, last floor(94/10)*10 = 90
    const h = paginationLinks(url, 95, 10, 20);
    expect(offsets(h)).toEqual({ first: 0, prev: 10, next: 30, last: 90 });
    expect(h).toBe(
      '</api/servers?status=active&limit=10&offset=0>; rel="first", ' +
        '</api/servers?status=active&limit=10&offset=10>; rel="prev", ' +
        '</api/servers?status=active&limit=10&offset=30>; rel="next", ' +
        '</api/servers?status=active&limit=10&offset=90>; rel="last"',
    );
  });

  it('omits prev on the first page and next on the last', () => {
    expect(offsets(paginationLinks(url, 95, 10, 0))).toEqual({ first: 0, next: 10, last: 90 });
    expect(offsets(paginationLinks(url, 95, 10, 90))).toEqual({ first: 0, prev: 80, last: 90 });
    // exactly full pages: 100 rows -> last page starts at 90
    expect(offsets(paginationLinks(url, 100, 10, 80))).toEqual({ first: 0, prev: 70, next: 90, last: 90 });
  });

  it('clamps prev for odd and out-of-range offsets', () => {
    // offset 5: prev would be -5 -> 0
    expect(offsets(paginationLinks(url, 95, 10, 5))).toEqual({ first: 0, prev: 0, next: 15, last: 90 });
    // offset 500 beyond the end: prev points at the last page
    expect(offsets(paginationLinks(url, 95, 10, 500))).toEqual({ first: 0, prev: 90, last: 90 });
  });

  it('has first = last = 0 for an empty result, and adds limit/offset when absent', () => {
    const h = paginationLinks(new URL('http://localhost/api/racks'), 0, 50, 0);
    expect(h).toBe('</api/racks?limit=50&offset=0>; rel="first", </api/racks?limit=50&offset=0>; rel="last"');
  });
});

const opts = {
  filters: {
    rack_id: { type: 'int' },
    status: { type: 'string', values: ['active', 'offline'] },
    manufacturer: { type: 'string' },
    cost_min: { type: 'number', op: 'gte', column: 'purchase_cost' },
    disabled: { type: 'bool' },
    before: { type: 'date', op: 'lte', column: 'ts' },
  } satisfies Record<string, FilterSpec>,
  sortable: ['id', 'name', 'u_position'],
  defaultSort: 'name',
};
const parse = (qs: string) => parseListQuery(strictQuery(`http://localhost/api/servers?${qs}`), opts);
function fieldsOfError(qs: string): string[] {
  try {
    parse(qs);
  } catch (e) {
    expect(e).toBeInstanceOf(ProblemError);
    expect((e as ProblemError).status).toBe(422);
    return (e as ProblemError).errors!.map((x) => x.field);
  }
  throw new Error(`"${qs}" was accepted`);
}

describe('parseListQuery', () => {
  it('defaults: limit 50, offset 0, the default sort, no filters', () => {
    expect(DEFAULT_LIMIT).toBe(50);
    expect(MAX_LIMIT).toBe(1000);
    expect(parse('')).toEqual({
      limit: 50,
      offset: 0,
      sort: [{ field: 'name', desc: false }],
      q: undefined,
      filters: [],
    });
  });

  it('reads limit, offset, multi-field sort and a trimmed q', () => {
    const q = parse('limit=1000&offset=30&sort=-u_position,+name, id&q=%20dell%20');
    expect(q.limit).toBe(1000);
    expect(q.offset).toBe(30);
    expect(q.sort).toEqual([
      { field: 'u_position', desc: true },
      { field: 'name', desc: false },
      { field: 'id', desc: false },
    ]);
    expect(q.q).toBe('dell');
    expect(parse('q=%20%20').q).toBeUndefined();
  });

  it('parses typed filters; int and enum filters take comma lists', () => {
    const q = parse(
      'rack_id=3,7&status=active,offline&manufacturer=Dell,HPE&cost_min=99.5&disabled=0&before=2026-01-31',
    );
    const byName = Object.fromEntries(q.filters.map((f) => [f.name, f.values]));
    expect(byName).toEqual({
      rack_id: [3, 7],
      status: ['active', 'offline'],
      manufacturer: ['Dell,HPE'], // a free-text filter is one value
      cost_min: [99.5],
      disabled: [false],
      before: ['2026-01-31'],
    });
    expect(parse('disabled=true').filters[0].values).toEqual([true]);
  });

  it('normalises a date-time filter to the stored timestamp form', () => {
    expect(parse('before=2026-01-31T10:00:00Z').filters[0].values).toEqual(['2026-01-31T10:00:00.000Z']);
    expect(parse('before=2026-01-31T12:00:00%2B02:00').filters[0].values).toEqual(['2026-01-31T10:00:00.000Z']);
  });

  it('names every bad parameter in one 422', () => {
    expect(fieldsOfError('sort=bogus')).toEqual(['query.sort']);
    expect(fieldsOfError('limit=0')).toEqual(['query.limit']);
    expect(fieldsOfError('limit=1001')).toEqual(['query.limit']);
    expect(fieldsOfError('limit=2.5')).toEqual(['query.limit']);
    expect(fieldsOfError('offset=-1')).toEqual(['query.offset']);
    expect(fieldsOfError('status=nope')).toEqual(['query.status']);
    expect(fieldsOfError('rack_id=1,x')).toEqual(['query.rack_id']);
    expect(fieldsOfError('cost_min=abc')).toEqual(['query.cost_min']);
    expect(fieldsOfError('disabled=yes')).toEqual(['query.disabled']);
    expect(fieldsOfError('before=31/01/2026')).toEqual(['query.before']);
    expect(fieldsOfError('before=2026-02-31T25:00Z')).toEqual(['query.before']);
    expect(fieldsOfError(`q=${'x'.repeat(201)}`)).toEqual(['query.q']);
    // 200 characters is the cap, not 200 UTF-16 units or bytes: 200 "é" (400 bytes) pass, 201 do not
    expect(parse(`q=${'%C3%A9'.repeat(200)}`).q).toBe('é'.repeat(200));
    expect(fieldsOfError(`q=${'%C3%A9'.repeat(201)}`)).toEqual(['query.q']);
    expect(fieldsOfError('limit=&offset=')).toEqual(['query.limit', 'query.offset']);
    expect(fieldsOfError('rack_id=')).toEqual(['query.rack_id']);
    expect(fieldsOfError('limit=1e2')).toEqual(['query.limit']);
    expect(fieldsOfError(`offset=${'9'.repeat(30)}`)).toEqual(['query.offset']);
    expect(fieldsOfError(`rack_id=${'9'.repeat(30)}`)).toEqual(['query.rack_id']);
    expect(fieldsOfError('before=2026-02-30')).toEqual(['query.before']);
    expect(fieldsOfError('before=9999-99-99')).toEqual(['query.before']);
    expect(fieldsOfError('sort=bogus&limit=0&status=nope&rack_id=z')).toEqual([
      'query.limit',
      'query.sort',
      'query.rack_id',
      'query.status',
    ]);
  });

  it('takes at most 4 sort keys, each once, and at most 100 values per list filter', () => {
    expect(parse('sort=name,-id,u_position').sort).toHaveLength(3);
    expect(fieldsOfError('sort=id,id')).toEqual(['query.sort']);
    expect(fieldsOfError('sort=name,-name')).toEqual(['query.sort']);
    expect(fieldsOfError('sort=id,name,u_position,-id,name')).toEqual(['query.sort']);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(',');
    expect(parse(`rack_id=${ids(100)}`).filters[0].values).toHaveLength(100);
    expect(fieldsOfError(`rack_id=${ids(101)}`)).toEqual(['query.rack_id']);
    expect(fieldsOfError('sort=')).toEqual(['query.sort']);
  });

  it('ignores parameters it does not know', () => {
    expect(parse('colour=blue').filters).toEqual([]);
  });
});

describe('strictQuery', () => {
  const problem = (qs: string) => {
    try {
      strictQuery(`http://localhost/api/x?${qs}`);
    } catch (e) {
      const p = e as ProblemError;
      return { status: p.status, fields: p.errors!.map((x) => x.field) };
    }
    throw new Error(`"${qs}" was accepted`);
  };

  it('decodes percent-escapes and "+" once, and keeps a parameter named __proto__ as a parameter', () => {
    const q = strictQuery('http://localhost/api/x?q=50%25+off&name=a%2Bb&flag&__proto__=1');
    expect(q).toEqual({ q: '50% off', name: 'a+b', flag: '', ['__proto__']: '1' });
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
  });

  it('refuses escapes that are not UTF-8 with a 400 and a repeated parameter with a 422, naming each', () => {
    expect(problem('q=%ff')).toEqual({ status: 400, fields: ['query.q'] });
    expect(problem('q=%C3')).toEqual({ status: 400, fields: ['query.q'] });
    expect(problem('limit=1&limit=2&q=a&q=a')).toEqual({ status: 422, fields: ['query.limit', 'query.q'] });
  });
});

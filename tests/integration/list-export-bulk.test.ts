import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  asRole,
  auditRows,
  createRack,
  createServer,
  expectProblem,
  uniqueName,
  type Row,
} from '../helpers';

let admin: string;
let viewer: string;
let rack: Row;
const servers: Row[] = [];

/** Minimal RFC 4180 reader for the assertions (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  rack = await createRack(admin, { name: uniqueName('CSV-RACK'), u_capacity: 42, power_capacity_kw: 40 });
  for (let i = 0; i < 3; i++) {
    servers.push(
      await createServer(admin, {
        rack_id: rack.id,
        u_position: 1 + i * 2,
        name: `csv-${i}-${rack.id}`,
        os: i === 0 ? '=cmd|calc' : 'Linux, "LTS"',
      }),
    );
  }
});

describe('CSV export of a list (?format=csv)', () => {
  it('exports the filtered, sorted list with a header row, quoting and the formula guard', async () => {
    const res = await api(`/api/servers?format=csv&rack_id=${rack.id}&sort=-name&limit=1`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="servers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get('x-total-count')).toBe('3');
    expect(res.headers.get('x-export-limit')).toBe('10000');
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toContain('name');
    expect(header).toContain('rack_name'); // computed columns too
    // limit/offset do not page an export: all three rows, in the requested order
    const name = header.indexOf('name');
    const os = header.indexOf('os');
    expect(rows.map((r) => r[name])).toEqual([2, 1, 0].map((i) => `csv-${i}-${rack.id}`));
    expect(rows[2][os]).toBe("'=cmd|calc");
    expect(rows[0][os]).toBe('Linux, "LTS"');
  });

  it('an empty result is just the header; a search narrows like the JSON list', async () => {
    const res = await api(`/api/servers?format=csv&q=${encodeURIComponent(`csv-1-${rack.id}`)}`, { token: viewer });
    expect(parseCsv(res.text).length).toBe(2);
    const none = await api('/api/racks?format=csv&q=no-such-rack-anywhere', { token: viewer });
    expect(none.status).toBe(200);
    expect(parseCsv(none.text)).toHaveLength(1);
  });

  it('bad parameters are a 422 naming them, never a CSV', async () => {
    expectProblem(await api('/api/servers?format=xml', { token: viewer }), 422, ['query.format']);
    expectProblem(await api('/api/servers?format=csv&sort=nope', { token: viewer }), 422, ['query.sort']);
    expectProblem(await api('/api/servers?format=csv'), 401);
  });
});

describe('bulk update (PATCH /api/{resource} with [{ id, ...changes }])', () => {
  it('changes every row in one go, audits each, and answers the rows in the order sent', async () => {
    const before = (await auditRows()).length;
    const res = await api('/api/servers', {
      method: 'PATCH',
      token: admin,
      json: [
        { id: servers[1].id, status: 'maintenance' },
        { id: servers[0].id, status: 'maintenance', os: 'Debian 13' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.map((s: Row) => [s.id, s.status])).toEqual([
      [servers[1].id, 'maintenance'],
      [servers[0].id, 'maintenance'],
    ]);
    expect(res.body[0].rack_name).toBe(rack.name);
    const audit = (await auditRows()).slice(before).filter((a) => a.entity_type === 'server');
    expect(audit.map((a) => [a.action, Number(a.entity_id)]).sort()).toEqual(
      [
        ['update', servers[0].id],
        ['update', servers[1].id],
      ].sort(),
    );
  });

  it('is all or nothing: one bad item (a clash, a bad value, a missing id) changes none', async () => {
    const os = () =>
      api(`/api/servers?rack_id=${rack.id}&sort=id`, { token: admin }).then((r) => r.body.map((s: Row) => s.os));
    const start = await os();
    // servers[2] moved onto servers[0]'s slot: refused, and servers[1]'s valid change is not applied either
    const clash = await api('/api/servers', {
      method: 'PATCH',
      token: admin,
      json: [
        { id: servers[1].id, os: 'changed' },
        { id: servers[2].id, u_position: servers[0].u_position },
      ],
    });
    expect([409, 422]).toContain(clash.status);
    expect(clash.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(clash.body.errors)).toContain('[1].');
    expect(await os()).toEqual(start);

    expectProblem(
      await api('/api/servers', {
        method: 'PATCH',
        token: admin,
        json: [{ id: servers[1].id, os: 'changed' }, { id: servers[2].id, status: 'on-fire' }, { os: 'x' }],
      }),
      422,
      ['[1].status', '[2].id'],
    );
    expectProblem(
      await api('/api/servers', {
        method: 'PATCH',
        token: admin,
        json: [
          { id: servers[1].id, os: 'changed' },
          { id: 999_999_999, os: 'x' },
        ],
      }),
      404,
      ['[1].id'],
    );
    expectProblem(
      await api('/api/servers', {
        method: 'PATCH',
        token: admin,
        json: [{ id: servers[1].id }, { id: servers[1].id, os: 'x' }],
      }),
      422,
      ['[0]', '[1].id'],
    );
    expectProblem(await api('/api/servers', { method: 'PATCH', token: admin, json: { id: servers[1].id } }), 422, [
      '(body)',
    ]);
    expectProblem(await api('/api/servers', { method: 'PATCH', token: admin, json: [] }), 422, ['(body)']);
    expect(await os()).toEqual(start);
  });

  it('needs the write permission', async () => {
    expectProblem(
      await api('/api/racks', { method: 'PATCH', token: viewer, json: [{ id: rack.id, status: 'maintenance' }] }),
      403,
    );
  });
});

describe('bulk create across many racks', () => {
  // D1 binds at most 100 parameters a statement: the placement check reads the racks in slices
  it('places servers in more than 100 racks in one request (a 5,000-row CSV import spans ~125)', async () => {
    const dc = (await api('/api/datacenters', { token: admin, json: { name: uniqueName('DC') } })).body;
    const racks = await api('/api/racks', {
      token: admin,
      json: Array.from({ length: 120 }, () => ({ name: uniqueName('R'), datacenter_id: dc.id })),
    });
    expect(racks.status, racks.text).toBe(201);
    const res = await api('/api/servers', {
      token: admin,
      json: racks.body.map((r: Row) => {
        const name = uniqueName('SRV');
        return { name, serial_number: `SN-${name}`, rack_id: r.id, u_position: 1 };
      }),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toHaveLength(120);
  });
});

describe('admin creates a user (POST /api/users)', () => {
  it('with a temporary password: role and clearance granted, a password change due at first sign-in', async () => {
    const username = uniqueName('invitee').toLowerCase();
    const res = await api('/api/users', {
      token: admin,
      json: {
        username,
        email: `${username}@example.com`,
        full_name: 'Ivy Invitee',
        role: 'operator',
        clearance: 'Confidential',
        password: 'Temporary-Pass-2026!',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/users/${res.body.id}`);
    expect(res.body).toMatchObject({
      username,
      role: 'operator',
      clearance: 'Confidential',
      must_change_password: true,
    });
    expect(res.body.requested_role).toBeNull();
    expect(res.body.temporary_password).toBeUndefined();
    expect(res.body.password_hash).toBeUndefined();
    const signIn = await api('/api/token', { form: { username, password: 'Temporary-Pass-2026!' } });
    expectProblem(signIn, 401);
    expect(signIn.body.type).toMatch(/password-change-required$/);
  });

  it('without a password: one is generated, returned once, and signs in to the forced change', async () => {
    const username = uniqueName('invited').toLowerCase();
    const res = await api('/api/users', {
      token: admin,
      json: { username, email: `${username}@example.com`, role: 'viewer' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.temporary_password).toMatch(/^.{20}$/);
    const signIn = await api('/api/token', { form: { username, password: res.body.temporary_password } });
    expect(signIn.body.type).toMatch(/password-change-required$/);
    const again = await api(`/api/users/${res.body.id}`, { token: admin });
    expect(again.body.temporary_password).toBeUndefined();
  });

  it('refuses bad fields, taken names and non-admins', async () => {
    expectProblem(
      await api('/api/users', {
        token: admin,
        json: { username: 'x', email: 'nope', role: 'root', password: 'short' },
      }),
      422,
      ['username', 'email', 'role', 'password'],
    );
    expectProblem(
      await api('/api/users', {
        token: admin,
        json: { username: 'admin', email: 'other@example.com', role: 'viewer' },
      }),
      409,
      ['username'],
    );
    expectProblem(
      await api('/api/users', { token: viewer, json: { username: 'sneaky', email: 's@example.com', role: 'admin' } }),
      403,
    );
  });
});

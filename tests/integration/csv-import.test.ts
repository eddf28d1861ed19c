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
let rack: Row;

const csv = (path: string, text: string, token = admin, dryRun = false) =>
  api(`/api${path}/import${dryRun ? '?dry_run=true' : ''}`, {
    method: 'POST',
    token,
    body: text,
    headers: { 'content-type': 'text/csv' },
  });

const count = async (q: string) =>
  Number((await api(`/api/servers?${q}&limit=1`, { token: admin })).headers.get('X-Total-Count'));

beforeAll(async () => {
  admin = await adminToken();
  rack = await createRack(admin, { name: uniqueName('IMP-RACK'), u_capacity: 42, power_capacity_kw: 40 });
});

describe('CSV import (every resource)', () => {
  it('a dry run reports each bad row by line and field, and writes nothing', async () => {
    const tag = uniqueName('imp');
    const text = [
      'name,rack_id,serial_number,u_position,u_size,power_supply_w',
      `${tag}-a,${rack.id},${tag}-SA,1,1,400`,
      `${tag}-b,${rack.id},${tag}-SB,1,1,400`, // same U as row a: a placement conflict
      `${tag}-c,${rack.id},${tag}-SC,forty,1,400`, // not a number
      `${tag}-d,999999,${tag}-SD,5,1,400`, // no such rack
    ].join('\n');
    const res = await csv('/servers', text, admin, true);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dry_run: true, valid: false, rows: 4 });
    // schema errors come first; the other rows are checked once the file parses
    expect(res.body.errors).toEqual([expect.objectContaining({ field: '[2].u_position', line: 4 })]);
    expect(await count(`q=${tag}`)).toBe(0);

    const fixed = text.replace(`,forty,`, ',9,');
    const again = await csv('/servers', fixed, admin, true);
    expect(again.body.valid).toBe(false);
    expect(again.body.errors).toEqual([expect.objectContaining({ field: '[3].rack_id', line: 5 })]);
    expect(await count(`q=${tag}`)).toBe(0);
  });

  it('imports all or nothing: one conflicting row keeps every other row out', async () => {
    const tag = uniqueName('imp');
    const text = [
      'name,rack_id,serial_number,u_position',
      `${tag}-a,${rack.id},${tag}-SA,11`,
      `${tag}-b,${rack.id},${tag}-SB,11`,
    ].join('\r\n');
    const res = await csv('/servers', text);
    const p = expectProblem(res, 409);
    expect(p.detail).toMatch(/Nothing was imported/);
    expect((p.errors ?? []).some((e) => (e as Row).line === 3)).toBe(true);
    expect(await count(`q=${tag}`)).toBe(0);

    const ok = await csv('/servers', text.replace(`${tag}-SB,11`, `${tag}-SB,13`));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ dry_run: false, valid: true, create: 2, update: 0 });
    expect(await count(`q=${tag}`)).toBe(2);
  });

  it('an export comes back as an update: id rows change only what differs, computed columns are ignored', async () => {
    const tag = uniqueName('rt');
    const s = await createServer(admin, { rack_id: rack.id, u_position: 20, name: `${tag}-x`, os: 'Linux' });
    const exported = await api(`/api/servers?format=csv&q=${tag}`, { token: admin });
    expect(exported.status).toBe(200);
    const same = await csv('/servers', exported.text, admin, true);
    expect(same.body).toMatchObject({ valid: true, create: 0, update: 0, unchanged: 1 });
    expect(same.body.ignored_columns).toEqual(expect.arrayContaining(['rack_name', 'created_at']));

    const edited = exported.text.replace('Linux', 'Debian 12');
    const res = await csv('/servers', edited);
    expect(res.body).toMatchObject({ valid: true, update: 1 });
    expect((await api(`/api/servers/${s.id}`, { token: admin })).body.os).toBe('Debian 12');
    const audit = await auditRows("entity_type = 'server' AND entity_id = ?", String(s.id));
    expect(audit.map((e) => e.action)).toContain('update');
  });

  it('refuses what is not CSV, an empty file, and writers only', async () => {
    expectProblem(await api('/api/racks/import', { method: 'POST', token: admin, json: [{ name: 'x' }] }), 400);
    expectProblem(await csv('/racks', '   '), 400);
    expectProblem(await csv('/racks', 'name\n'), 422, ['(body)']);
    expectProblem(
      await api('/api/racks/import?dry_run=maybe', {
        method: 'POST',
        token: admin,
        body: 'name\nx\n',
        headers: { 'content-type': 'text/csv' },
      }),
      422,
    );
    const viewer = await asRole('viewer', admin);
    expectProblem(await csv('/racks', 'name\nx\n', viewer), 403);
  });

  it('works for any resource: racks by datacenter', async () => {
    const name = uniqueName('IMPR');
    const res = await csv('/racks', `name,datacenter_id,u_capacity\n${name},${rack.datacenter_id},48\n`);
    expect(res.body).toMatchObject({ valid: true, create: 1 });
    const list = await api(`/api/racks?q=${name}`, { token: admin });
    expect(list.body[0]).toMatchObject({ name, u_capacity: 48 });
  });
});

// Device resolution against a scripted D1: the per-isolate cache must never unresolve a device that a request
// already found, even when a concurrent request expires the entry while the first one awaits D1.
import { describe, expect, it } from 'vitest';
import { forgetDevices, instanceHost, resolveDevices } from '../../worker/telemetry/resolve';

const server = (id: number) => ({
  server_id: id,
  server_name: `srv-${id}`,
  serial_number: `SN${id}`,
  ip_address: `10.0.0.${id}`,
  management_ip: null,
  rack_id: 1,
  rack_name: 'R1',
  datacenter_id: 1,
  security_zone: 'Internal',
  power_capacity_kw: 10,
});

/** A D1 stand-in answering server lookups; `gate` holds a batch until released. */
function fakeDb() {
  let gate: Promise<void> | null = null;
  const db = {
    prepare: () => ({ bind: (terms: string) => ({ terms: JSON.parse(terms) as string[] }) }),
    batch: async (stmts: { terms: string[] }[]) => {
      const g = gate;
      if (g) await g;
      return stmts.map((s) => ({
        results: s.terms.flatMap((t) => (/^(srv-)?\d+$/.test(t) ? [server(Number(t.replace('srv-', '')))] : [])),
      }));
    },
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
  };
  return db;
}

describe('resolveDevices', () => {
  it('keeps what one request found while another expires the shared cache', async () => {
    forgetDevices();
    const db = fakeDb();
    await resolveDevices(db as never, [{ server: '1' }], null, 0);
    await resolveDevices(db as never, [{ server: '2' }], null, 10_000);
    // A at 35 s: server 1 expired (30 s TTL), server 2 still cached; its lookup of server 1 is held
    const release = db.hold();
    const a = resolveDevices(db as never, [{ server: '1' }, { server: '2' }], null, 35_000);
    // B at 41 s expires server 2 in the shared cache while A waits
    const b = resolveDevices(db as never, [{ server: '2' }], null, 41_000);
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.map((t) => (t?.kind === 'server' ? t.server_id : null))).toEqual([1, 2]);
    expect(rb[0]).toMatchObject({ kind: 'server', server_id: 2 });
  });

  it('matches instance host parts and hides devices above the clearance', async () => {
    forgetDevices();
    const db = fakeDb();
    expect(instanceHost('srv-3:9100')).toBe('srv-3');
    expect(instanceHost('[fe80::1]:9100')).toBe('fe80::1');
    const [t] = await resolveDevices(db as never, [{ instance: 'srv-3:9100' }], 'Internal', 0);
    expect(t).toMatchObject({ kind: 'server', server_id: 3, rack: { rack_id: 1, zone: 'Internal' } });
    const [hidden] = await resolveDevices(db as never, [{ instance: 'srv-3:9100' }], 'Public', 0);
    expect(hidden).toBeNull();
  });
});

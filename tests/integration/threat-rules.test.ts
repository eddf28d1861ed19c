// The built-in DDoS indicators on real samples through the ingest API: a device's inbound packet rate learned as
// its baseline fires nothing; a flood far above it fires the anomaly rule and the absolute 1 Mpps rule, both
// labelled as security alerts. (The detector itself is tested in anomaly-detection.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, apiToken, estate, ingestJson, type Row } from '../helpers';

const S = 1000;
let admin: string;
let ingest: string;
let rules: Row[];

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
  rules = (await api('/api/alert-rules?q=DDoS&limit=100', { token: admin })).body as Row[];
  rules.push(...((await api('/api/alert-rules?q=flood&limit=100', { token: admin })).body as Row[]));
});

const wobble = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;

describe('threat indicators (built-in rules on network_rx_pps)', () => {
  it('ships an anomaly rule and an absolute flood rule, enabled and labelled security', () => {
    const surge = rules.find((r) => r.name === 'Inbound packet surge (DDoS indicator)');
    const flood = rules.find((r) => r.name === 'Inbound packet flood (over 1 Mpps)');
    expect(surge).toMatchObject({ kind: 'anomaly', metric: 'network_rx_pps', enabled: true, builtin: true });
    expect(flood).toMatchObject({ kind: 'metric', metric: 'network_rx_pps', threshold: 1_000_000, builtin: true });
    expect(surge!.labels).toEqual({ category: 'security' });
  });

  it('a baseline fires nothing; a flood far above it fires both', async () => {
    const { servers } = await estate(admin, 1);
    const edge = servers[0];
    const t0 = Date.now() - 3 * 3600 * S;
    // 100 minutes of ordinary traffic, every 10 s: about 20 kpps
    const base = Array.from({ length: 600 }, (_, i) => [t0 + i * 10 * S, 20_000 + 3_000 * wobble(i)] as const);
    const send = async (pts: readonly (readonly [number, number])[]) => {
      const res = await ingestJson(
        ingest,
        pts.map(([ts, value]) => ({
          server: edge.id,
          metric: 'network_rx_pps',
          value,
          ts,
          labels: { ifName: 'eth0' },
        })),
      );
      expect(res.status, res.text).toBe(200);
    };
    await send(base);
    const open = async () =>
      ((await api(`/api/alerts?server_id=${edge.id}&limit=100`, { token: admin })).body as Row[]).filter(
        (a) => a.metric === 'network_rx_pps',
      );
    expect(await open()).toEqual([]);

    // then 3 minutes at 2.4 Mpps
    const tFlood = t0 + 600 * 10 * S;
    await send(Array.from({ length: 18 }, (_, i) => [tFlood + i * 10 * S, 2_400_000 + 10_000 * wobble(i)] as const));
    const fired = await open();
    const names = fired.map((a) => rules.find((r) => r.id === a.rule_id)?.name).sort();
    expect(names).toEqual(['Inbound packet flood (over 1 Mpps)', 'Inbound packet surge (DDoS indicator)']);
    for (const a of fired)
      expect(a).toMatchObject({ severity: 'critical', labels: expect.objectContaining({ category: 'security' }) });
  });
});

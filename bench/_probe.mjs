import { adminToken, startDevServer } from '../scripts/lib/dev-server.mjs';
import { mapLimit } from '../util/map-limit.ts';
const C = Number(process.env.C ?? 1);
const server = await startDevServer({ port: 8797 });
try {
  const token = await adminToken(server.base);
  const auth = { authorization: `Bearer ${token}` };
  const s = await fetch(`${server.base}/demo/seed`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ scale: 29, users: false }) });
  console.log(await s.json());
  const urls = (process.env.URLS ?? '/health|/servers?limit=1|/servers?limit=100|/racks?limit=100|/servers?limit=100&rack_id=120|/servers?limit=100&q=PowerEdge').split('|');
  const time = async (u, n) => {
    const xs = await mapLimit(Array.from({ length: n }, (_, i) => i), C, async () => {
      const t0 = performance.now();
      const r = await fetch(server.base + u, { headers: u === '/health' ? {} : auth });
      await r.arrayBuffer();
      return performance.now() - t0;
    });
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  };
  for (const u of urls) await time(u, 30);
  for (let round = 0; round < 3; round++) {
    const out = [];
    for (const u of urls) out.push(`${u} ${(await time(u, 100)).toFixed(2)}`);
    console.log(out.join(' | '));
  }
} finally {
  await server.stop();
}

// Runs the spec's Python client examples (e2e/spec_examples.py) against `npm start` on a fresh, empty database.
import { spawnSync } from 'node:child_process';
import { startApp } from '../scripts/lib/dev-server.mjs';

const PORT = Number(process.env.SPEC_PORT ?? process.env.E2E_PORT ?? 8797);
// the first python3 that has `requests` (CI installs Debian's python3-requests when none has)
const python = ['python3', '/usr/bin/python3'].find(
  (p) => spawnSync(p, ['-c', 'import requests'], { stdio: 'ignore' }).status === 0,
);
if (!python) {
  console.error('No python3 with the requests module: apt-get install -y python3-requests');
  process.exit(1);
}

const server = await startApp({ port: PORT, env: { SEED: '0', SIMULATE: '0' } });
let status = 1;
try {
  const r = spawnSync(python, ['e2e/spec_examples.py'], {
    env: { ...process.env, BASE_URL: server.base },
    stdio: 'inherit',
  });
  status = r.status ?? 1;
  if (status !== 0) console.error(server.log().slice(-3000));
} finally {
  await server.stop();
}
process.exit(status);

// The standalone recorded Docker Engine (test/docker-engine-server.ts), as the browser tests start it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DockerApi } from '../drivers/docker-api.ts';
import { DockerDriver } from '../drivers/docker.ts';
import { PauseGate } from '../pause.ts';
import { parseWorkload } from './docker-engine-server.ts';

const SERVER = fileURLToPath(new URL('./docker-engine-server.ts', import.meta.url));

function start(args: string[]): { child: ChildProcess; line: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const i = out.indexOf('\n');
      if (i >= 0) resolve(out.slice(0, i));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  return { child, line, stderr: () => err };
}

describe('docker engine server (standalone recorded Engine API)', () => {
  let child: ChildProcess;
  let url = '';
  before(async () => {
    const s = start([
      '--port',
      '0',
      '--workload',
      'shop/web=nginx:1.25x3',
      '--workload',
      'default/cache=redis:7x1',
      '--health-polls',
      '4',
    ]);
    child = s.child;
    const printed = JSON.parse(await s.line);
    assert.deepEqual(Object.keys(printed), ['url']);
    assert.match(printed.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    url = printed.url;
  });
  after(async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
  });

  test('parses --workload specs', () => {
    assert.deepEqual(parseWorkload('shop/web=nginx:1.25x3'), {
      namespace: 'shop',
      name: 'web',
      image: 'nginx:1.25',
      replicas: 3,
    });
    assert.deepEqual(parseWorkload('default/cache=registry.example.com:5000/redis:7'), {
      namespace: 'default',
      name: 'cache',
      image: 'registry.example.com:5000/redis:7',
      replicas: 1,
    });
    assert.throws(() => parseWorkload('web=nginx'), /--workload takes <namespace>\/<name>=<image>x<replicas>/);
  });

  test('seeds each workload as the docker driver finds it', async () => {
    const d = new DockerDriver({ 'lab-docker': url });
    const w = (await d.list()).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(w, [
      {
        driver: 'docker',
        cluster: 'lab-docker',
        namespace: 'default',
        name: 'cache',
        image: 'redis:7',
        replicas_desired: 1,
        replicas_ready: 1,
        replicas_updated: 1,
        probes: [
          { type: 'readiness', result: 'success' },
          { type: 'liveness', result: 'success' },
        ],
      },
      {
        driver: 'docker',
        cluster: 'lab-docker',
        namespace: 'shop',
        name: 'web',
        image: 'nginx:1.25',
        replicas_desired: 3,
        replicas_ready: 3,
        replicas_updated: 3,
        probes: [
          { type: 'readiness', result: 'success' },
          { type: 'liveness', result: 'success' },
        ],
      },
    ]);
    const names = (await new DockerApi(url).listContainers()).map((c) => c.Names[0]).sort();
    assert.deepEqual(names, ['/cache-1', '/shop-web-1', '/shop-web-2', '/shop-web-3']);
  });

  test('a new container is healthy on its N-th inspection; a rolling update goes through; broken turns unhealthy', async () => {
    const api = new DockerApi(url);
    const [template] = await api.listContainers().then((l) => l.filter((c) => c.Names[0] === '/cache-1'));
    const config = (await api.inspect(template.Id)).Config;
    const id = await api.create('probe', { ...config, Labels: { probe: 'yes' } });
    await api.startContainer(id);
    const health: string[] = [];
    for (let i = 0; i < 5; i++) health.push(String((await api.inspect(id)).State.Health?.Status));
    assert.deepEqual(health, ['starting', 'starting', 'starting', 'healthy', 'healthy']);
    await api.remove(id);

    const d = new DockerDriver({ 'lab-docker': url }, { pollMs: 5, readyTimeoutMs: 500 });
    const steps: string[] = [];
    const ctx = new PauseGate().context(
      (s, x) => void steps.push(`${s} ${x?.batch} ${x?.phase ?? ''}`.trim()),
      new AbortController().signal,
    );
    const ref = { cluster: 'lab-docker', namespace: 'shop', name: 'web' };
    const out = await d.setImage(ref, { image: 'nginx:1.26', max_surge: 1, max_unavailable: 0, batch_size: 2 }, ctx);
    assert.deepEqual(out, { image: 'nginx:1.26', previous_image: 'nginx:1.25', replicas: 3, batches: 3 });
    assert.deepEqual(steps, [
      'batch 1 starting',
      'batch 1 done',
      'batch 2 starting',
      'batch 2 done',
      'batch 3 starting',
      'batch 3 done',
    ]);
    await assert.rejects(
      d.setImage(ref, { image: 'nginx:broken', max_surge: 1, max_unavailable: 0, batch_size: 1 }, ctx),
      /batch 1\/3 of nginx:broken: container shop-web-\w+ is unhealthy; rolled back to nginx:1.26/,
    );
    const web = (await d.list()).find((x) => x.name === 'web');
    assert.deepEqual([web?.image, web?.replicas_desired, web?.replicas_ready], ['nginx:1.26', 3, 3]);
  });

  test('bad arguments exit 2 with a message', async () => {
    const s = start(['--workload', 'nonsense']);
    await assert.rejects(s.line, /exited 2 before listening/);
    assert.match(s.stderr(), /--workload takes <namespace>\/<name>=<image>x<replicas>, got 'nonsense'/);
  });
});

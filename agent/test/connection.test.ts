import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentConnection, backoffDelay, connectUrl } from '../connection.ts';
import { Executor } from '../executor.ts';
import { Journal } from '../journal.ts';
import { RecordingVmDriver } from './fakes.ts';
import { startWsServer } from './ws-server.ts';
import type { Peer } from './ws-server.ts';

const welcome = { type: 'welcome', protocol: 1, site: { datacenter_id: 3, name: 'Frankfurt 1' } };
const operation = (id: number, key: string) => ({
  type: 'operation',
  lease_ms: 60_000,
  operation: {
    id,
    key,
    kind: 'vm.start',
    target: { kind: 'vm', driver: 'libvirt', name: 'web-1', host: 'h1' },
    params: {},
  },
});

describe('connection', () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  test('backoff is exponential, capped, jittered; the URL is the agents endpoint', () => {
    assert.equal(
      backoffDelay(0, 100, 1000, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(3, 100, 1000, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(10, 100, 1000, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(10, 100, 1000, () => 0),
      500,
    );
    assert.equal(connectUrl('https://dcp.example.com/x'), 'wss://dcp.example.com/api/agents/connect');
    assert.equal(connectUrl('http://localhost:8787'), 'ws://localhost:8787/api/agents/connect');
  });

  test('welcome → hello, operation → started → result, reconnect, and a re-handed operation is replayed', async () => {
    const peers: Peer[] = [];
    const arrived: ((p: Peer) => void)[] = [];
    const { url, close } = await startWsServer((p) => {
      peers.push(p);
      arrived.shift()?.(p);
    });
    cleanup.push(close);
    const nextPeer = () => new Promise<Peer>((r) => arrived.push(r));

    const driver = new RecordingVmDriver();
    const journal = await Journal.open(join(await mkdtemp(join(tmpdir(), 'dcp-conn-')), 'journal.jsonl'));
    cleanup.push(() => journal.close());
    const executor = new Executor({ drivers: { libvirt: driver }, journal, dryRun: false, log: () => {} });
    const conn = new AgentConnection({
      url,
      token: 'dcp_abc-DEF_123',
      executor,
      version: '0.1.0',
      hostname: 'site-box',
      dryRun: false,
      observeEveryMs: 60_000,
      backoff: { baseMs: 20, maxMs: 100 },
      log: () => {},
    });
    cleanup.push(() => conn.stop());
    const first = nextPeer();
    conn.start();
    const p1 = await first;
    assert.equal(p1.path, '/api/agents/connect');
    assert.deepEqual(p1.protocols, ['dcp-agent', 'bearer.dcp_abc-DEF_123']);

    p1.send({ type: 'operation-bogus' });
    p1.send(welcome);
    const hello = await p1.next('hello');
    assert.deepEqual(hello, {
      type: 'hello',
      protocol: 1,
      agent: { version: '0.1.0', hostname: 'site-box', drivers: ['libvirt'], dry_run: false },
    });
    assert.equal((await p1.next('observed')).type, 'observed');

    p1.send(operation(41, 'op-41'));
    assert.deepEqual(await p1.next('started'), { type: 'started', id: 41, key: 'op-41' });
    const result = await p1.next('result');
    assert.equal(result.ok, true);
    assert.equal(result.replayed, undefined);
    const after = await p1.next('observed');
    assert.deepEqual(after.vms, [{ driver: 'libvirt', host: 'h1', name: 'web-1', state: 'running' }]);

    // the server drops the socket; the agent dials again and the lease ran out, so the same key comes back
    const second = nextPeer();
    p1.drop();
    const p2 = await second;
    p2.send(welcome);
    await p2.next('hello');
    p2.send(operation(42, 'op-41'));
    const replayed = await p2.next('result');
    assert.equal(replayed.replayed, true);
    assert.equal(replayed.id, 42);
    assert.equal(replayed.ok, true);
    assert.deepEqual(driver.calls, ['start h1/web-1'], 'ran once');
    assert.equal(conn.connects, 2);
  });

  test('a refused dial is retried until the server is up', async () => {
    const arrived: ((p: Peer) => void)[] = [];
    const { url, server, close } = await startWsServer((p) => arrived.shift()?.(p));
    const port = Number(new URL(url).port);
    await new Promise((r) => server.close(r));
    const logs: string[] = [];
    const executor = new Executor({ drivers: {}, journal: null, dryRun: true, log: () => {} });
    const conn = new AgentConnection({
      url,
      token: 't',
      executor,
      version: '0.1.0',
      hostname: 'h',
      dryRun: true,
      backoff: { baseMs: 10, maxMs: 40 },
      log: (l) => logs.push(l),
    });
    cleanup.push(() => conn.stop());
    conn.start();
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(logs.filter((l) => l === 'connection failed').length >= 2, logs.join('\n'));
    const peer = new Promise<Peer>((r) => arrived.push(r));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    cleanup.push(close);
    const p = await peer;
    p.send(welcome);
    assert.equal(((await p.next('hello')).agent as { dry_run: boolean }).dry_run, true);
  });

  test('an operation still running when the socket drops is answered once, from the journal, after the reconnect', async () => {
    const arrived: ((p: Peer) => void)[] = [];
    const { url, close } = await startWsServer((p) => arrived.shift()?.(p));
    cleanup.push(close);
    const nextPeer = () => new Promise<Peer>((r) => arrived.push(r));
    const driver = new RecordingVmDriver();
    driver.delayMs = 150;
    const journal = await Journal.open(join(await mkdtemp(join(tmpdir(), 'dcp-conn-')), 'journal.jsonl'));
    cleanup.push(() => journal.close());
    const executor = new Executor({ drivers: { libvirt: driver }, journal, dryRun: false, log: () => {} });
    const conn = new AgentConnection({
      url,
      token: 't',
      executor,
      version: '0.1.0',
      hostname: 'h',
      dryRun: false,
      backoff: { baseMs: 10, maxMs: 20 },
      log: () => {},
    });
    cleanup.push(() => conn.stop());
    const first = nextPeer();
    conn.start();
    const p1 = await first;
    p1.send(welcome);
    await p1.next('hello');
    p1.send(operation(1, 'slow'));
    await p1.next('started');
    const second = nextPeer();
    p1.drop();
    const p2 = await second;
    p2.send(welcome);
    await p2.next('hello');
    p2.send(operation(2, 'slow'));
    const results = [await p2.next('result'), await p2.next('result')];
    // the original result (id 1) and the answer to the re-hand (id 2, replayed) — but one execution
    assert.deepEqual(results.map((r) => [r.id, r.replayed ?? false]).sort(), [
      [1, false],
      [2, true],
    ]);
    assert.deepEqual(driver.calls, ['start h1/web-1']);
  });
});

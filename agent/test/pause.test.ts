// Pause and resume end to end: the platform's frames over the socket, the executor's answers and heartbeats, the
// docker driver holding before its next batch (on the recorded Engine API).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { AgentMessage } from '../../worker/virtualization/agent-protocol.ts';
import { AgentConnection } from '../connection.ts';
import { DockerDriver } from '../drivers/docker.ts';
import { Executor } from '../executor.ts';
import { PauseGate } from '../pause.ts';
import { FakeEngine } from './docker-engine.ts';
import { RecordingVmDriver } from './fakes.ts';
import { startWsServer } from './ws-server.ts';
import type { Peer } from './ws-server.ts';

const welcome = { type: 'welcome', protocol: 1, site: { datacenter_id: 3, name: 'Frankfurt 1' } };
const setImage = (id: number, image: string, leaseMs = 60_000) => ({
  type: 'operation',
  lease_ms: leaseMs,
  operation: {
    id,
    key: `op-${id}`,
    kind: 'workload.set_image',
    target: { kind: 'workload', driver: 'docker', cluster: 'lab-docker', namespace: 'shop', name: 'web' },
    params: { image, max_surge: 1, max_unavailable: 0, batch_size: 1 },
  },
});
const vmStart = (id: number) => ({
  type: 'operation',
  lease_ms: 60_000,
  operation: {
    id,
    key: `op-${id}`,
    kind: 'vm.start',
    target: { kind: 'vm', driver: 'libvirt', name: 'web-1', host: 'h1' },
    params: {},
  },
});
type Frame = Record<string, any>;

/** every progress frame up to the first that `until` accepts (which is included) */
async function progressUntil(peer: Peer, until: (f: Frame) => boolean): Promise<Frame[]> {
  const seen: Frame[] = [];
  for (;;) {
    const f = await peer.next('progress');
    assert.ok(v.is(AgentMessage, f), `a valid frame: ${JSON.stringify(f)}`);
    seen.push(f);
    if (until(f)) return seen;
  }
}
const describeFrame = (f: Frame) =>
  f.step === 'batch' ? `batch ${f.detail.batch} ${f.detail.phase}` : `${f.step}${f.detail?.heartbeat ? ' ♥' : ''}`;

describe('pause and resume', () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  async function connect(engine: FakeEngine) {
    const arrived: ((p: Peer) => void)[] = [];
    const { url, close } = await startWsServer((p) => arrived.shift()?.(p));
    cleanup.push(close);
    const executor = new Executor({
      drivers: {
        docker: new DockerDriver({ 'lab-docker': engine.url }, { pollMs: 5, readyTimeoutMs: 2000 }),
        libvirt: new RecordingVmDriver(),
      },
      journal: null,
      dryRun: false,
      log: () => {},
    });
    const conn = new AgentConnection({
      url,
      token: 't',
      executor,
      version: '0.1.0',
      hostname: 'h',
      dryRun: false,
      observeEveryMs: 60_000,
      log: () => {},
    });
    cleanup.push(() => conn.stop());
    const peer = new Promise<Peer>((r) => arrived.push(r));
    conn.start();
    const p = await peer;
    p.send(welcome);
    await p.next('hello');
    await p.next('observed');
    return p;
  }

  test('a paused docker rollout holds before its next batch, heartbeats while paused, and goes on when resumed', async () => {
    // a new container is healthy on its 20th inspection (the driver polls every 5 ms): a batch takes a moment
    const engine = new FakeEngine({ healthPolls: 20 });
    await engine.start();
    cleanup.push(() => engine.stop());
    engine.addWorkload('shop', 'web', 'nginx:1.25', 3);
    const p = await connect(engine);

    // a lease of 300 ms: the paused heartbeat comes every 100 ms, well within it
    p.send(setImage(7, 'nginx:1.26', 300));
    assert.deepEqual(await p.next('started'), { type: 'started', id: 7, key: 'op-7' });
    assert.deepEqual((await progressUntil(p, () => true)).map(describeFrame), ['batch 1 starting']);
    // paused while batch 1 runs: batch 1 finishes, batch 2 does not start
    p.send({ type: 'pause', id: 7 });
    const first = await progressUntil(p, (f) => f.step === 'batch' && f.detail.phase === 'done');
    assert.deepEqual(first.filter((f) => !f.detail.heartbeat).map(describeFrame), ['paused', 'batch 1 done']);
    const paused = first.filter((f) => f.step === 'paused');
    assert.deepEqual(Object.keys(paused[0].detail), ['since']);
    const held = await progressUntil(p, (f) => f.detail?.heartbeat === true);
    const beats = [...held, ...(await progressUntil(p, (f) => f.detail?.heartbeat === true))];
    // nothing but heartbeats while paused: no batch started, the engine untouched
    assert.deepEqual(beats.map(describeFrame), ['paused ♥', 'paused ♥']);
    assert.deepEqual(
      beats.map((f) => f.detail.since),
      [paused[0].detail.since, paused[0].detail.since],
    );
    const images = [...engine.containers.values()].map((c) => c.Config.Image).sort();
    assert.deepEqual(images, ['nginx:1.25', 'nginx:1.25', 'nginx:1.26']);
    // a second pause is answered again; a pause of an operation the agent does not hold is ignored
    p.send({ type: 'pause', id: 99 });
    p.send({ type: 'pause', id: 7 });
    const again = await progressUntil(p, (f) => f.step === 'paused' && !f.detail.heartbeat);
    assert.equal(again.at(-1)?.detail.since, paused[0].detail.since);

    p.send({ type: 'resume', id: 7 });
    const rest = await progressUntil(p, (f) => f.step === 'batch' && f.detail.batch === 3 && f.detail.phase === 'done');
    const resumedAt = rest.findIndex((f) => f.step === 'resumed');
    assert.ok(resumedAt >= 0);
    assert.ok(rest[resumedAt].detail.paused_ms >= 200, JSON.stringify(rest[resumedAt]));
    assert.deepEqual(rest.slice(resumedAt).map(describeFrame), [
      'resumed',
      'batch 2 starting',
      'batch 2 done',
      'batch 3 starting',
      'batch 3 done',
    ]);
    assert.deepEqual(rest.at(-1)?.detail, {
      batch: 3,
      batches: 3,
      image: 'nginx:1.26',
      phase: 'done',
      updated: 3,
      total: 3,
      ready: 3,
    });
    const result = await p.next('result');
    assert.equal(result.ok, true);
    // once finished, nothing more: no heartbeat, and a late resume is ignored
    p.send({ type: 'resume', id: 7 });
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(
      p.received.filter((f) => (f as Frame).type === 'progress'),
      [],
    );
  });

  test('a cancel while paused rolls back; pause of anything but a rolling update is ignored', async () => {
    const engine = new FakeEngine();
    await engine.start();
    cleanup.push(() => engine.stop());
    engine.addWorkload('shop', 'web', 'nginx:1.25', 2);
    const p = await connect(engine);

    p.send({ type: 'pause', id: 5 });
    p.send(vmStart(5));
    p.send({ type: 'pause', id: 5 });
    assert.equal((await p.next('result')).ok, true);
    assert.deepEqual(
      p.received.filter((f) => (f as Frame).type === 'progress'),
      [],
    );

    // paused before it even started: no batch at all until resumed (here: cancelled)
    p.send(setImage(6, 'nginx:1.26'));
    p.send({ type: 'pause', id: 6 });
    await p.next('started');
    assert.deepEqual((await progressUntil(p, (f) => f.step === 'paused')).map(describeFrame), ['paused']);
    await new Promise((r) => setTimeout(r, 100));
    p.send({ type: 'cancel', id: 6 });
    const result = await p.next('result');
    assert.equal(result.ok, false);
    assert.match(String(result.error), /cancelled by the platform/);
    assert.deepEqual(
      (p.received as Frame[]).filter((f) => f.type === 'progress' && f.step === 'batch'),
      [],
    );
    assert.deepEqual(
      [...engine.containers.values()].map((c) => c.Config.Image),
      ['nginx:1.25', 'nginx:1.25'],
    );
  });
});

describe('pause gate', () => {
  test('checkpoint resolves at once unless paused, waits while paused, rejects on abort', async () => {
    const gate = new PauseGate();
    const abort = new AbortController();
    await gate.checkpoint(abort.signal);
    gate.pause();
    let passed = false;
    const wait = gate.checkpoint(abort.signal).then(() => (passed = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(passed, false);
    gate.resume();
    await wait;
    assert.equal(passed, true);
    gate.pause();
    const held = gate.checkpoint(abort.signal);
    abort.abort(new Error('cancelled'));
    await assert.rejects(held, /cancelled/);
    await assert.rejects(gate.checkpoint(abort.signal), /cancelled/);
    const changes: boolean[] = [];
    const off = gate.onChange((x) => changes.push(x));
    assert.equal(gate.pause(), false, 'already paused');
    gate.resume();
    off();
    gate.pause();
    assert.deepEqual(changes, [false]);
  });
});

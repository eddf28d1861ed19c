import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { AgentMessage } from '../../worker/virtualization/agent-protocol.ts';
import type { Operation } from '../../worker/virtualization/agent-protocol.ts';
import { Executor } from '../executor.ts';
import { Journal } from '../journal.ts';
import { RecordingVmDriver } from './fakes.ts';

const op = (id: number, key: string, kind: Operation['kind'] = 'vm.start', params = {}, host = 'h1'): Operation => ({
  id,
  key,
  kind,
  target: { kind: 'vm', driver: 'libvirt', name: 'web-1', host },
  params,
});
const tmpJournal = async () => join(await mkdtemp(join(tmpdir(), 'dcp-journal-')), 'journal.jsonl');

function collect() {
  const sent: AgentMessage[] = [];
  return {
    sent,
    emit: (m: AgentMessage) => {
      assert.ok(v.is(AgentMessage, m), `a valid frame: ${JSON.stringify(m)}`);
      sent.push(m);
    },
  };
}

describe('journal', () => {
  test('a repeated key is answered from the journal, flagged replayed, and not executed again', async () => {
    const path = await tmpJournal();
    const driver = new RecordingVmDriver();
    const ex = new Executor({
      drivers: { libvirt: driver },
      journal: await Journal.open(path),
      dryRun: false,
      log: () => {},
    });
    const { sent, emit } = collect();
    const first = await ex.submit(op(1, 'k-1'), emit);
    assert.equal(first.ok, true);
    assert.equal(first.replayed, undefined);
    const again = await ex.submit(op(2, 'k-1'), emit);
    assert.deepEqual(driver.calls, ['start h1/web-1']);
    assert.equal(again.replayed, true);
    assert.equal(again.id, 2);
    assert.deepEqual(again.output, first.output);
    assert.deepEqual(
      sent.map((m) => m.type),
      ['started', 'result', 'result'],
    );
  });

  test('the journal survives a restart, and a torn last line is skipped', async () => {
    const path = await tmpJournal();
    const j1 = await Journal.open(path);
    const driver = new RecordingVmDriver();
    const ex1 = new Executor({ drivers: { libvirt: driver }, journal: j1, dryRun: false, log: () => {} });
    await ex1.submit(op(1, 'k-1', 'vm.stop'), () => {});
    await j1.close();
    await appendFile(path, '{"key":"k-2","id":');
    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.match(lines[0], /"started":true/);
    assert.match(lines[1], /"ok":true/);
    const j2 = await Journal.open(path);
    const ex2 = new Executor({ drivers: { libvirt: driver }, journal: j2, dryRun: false, log: () => {} });
    const r = await ex2.submit(op(7, 'k-1', 'vm.stop'), () => {});
    assert.equal(r.replayed, true);
    assert.equal(driver.calls.length, 1);
  });

  test('a key started before a crash is answered from observed state where the driver can tell, else re-run', async () => {
    const path = await tmpJournal();
    const j1 = await Journal.open(path);
    await j1.begin('k-start', 1, 'vm.start');
    await j1.begin('k-restart', 2, 'vm.restart');
    await j1.close();
    const driver = new RecordingVmDriver();
    driver.states.set('h1/web-1', 'running');
    const ex = new Executor({
      drivers: { libvirt: driver },
      journal: await Journal.open(path),
      dryRun: false,
      log: () => {},
    });
    const started = await ex.submit(op(1, 'k-start'), () => {});
    assert.equal(started.ok, true);
    assert.equal(started.output?.recovered, true);
    assert.deepEqual(driver.calls, [], 'vm.start on a running VM is not run again');
    const restarted = await ex.submit(op(2, 'k-restart', 'vm.restart'), () => {});
    assert.equal(restarted.ok, true);
    assert.deepEqual(driver.calls, ['restart h1/web-1'], 'a restart cannot be told from state: it runs again');
  });
});

describe('executor', () => {
  test('dry-run logs one line per operation and never calls a driver', async () => {
    const driver = new RecordingVmDriver();
    const lines: string[] = [];
    const ex = new Executor({ drivers: { libvirt: driver }, journal: null, dryRun: true, log: (l) => lines.push(l) });
    const { sent, emit } = collect();
    const r = await ex.submit(op(1, 'k', 'vm.migrate', { target_host: 'h2', live: true }), emit);
    assert.deepEqual(r.output, { dry_run: true });
    assert.equal(r.ok, true);
    assert.deepEqual(driver.calls, []);
    assert.deepEqual(lines, [
      'dry-run: would vm.migrate vm libvirt host=h1 name=web-1 params={"target_host":"h2","live":true}',
    ]);
    assert.deepEqual(
      sent.map((m) => m.type),
      ['started', 'result'],
    );
  });

  test('an unknown host, an unconfigured driver or bad params fail with a clear error, never a fake success', async () => {
    const driver = new RecordingVmDriver(['h1', 'h2']);
    const ex = new Executor({
      drivers: { libvirt: driver },
      journal: await Journal.open(await tmpJournal()),
      dryRun: false,
      log: () => {},
    });
    const unknown = await ex.submit(op(1, 'a', 'vm.start', {}, 'h9'), () => {});
    assert.equal(unknown.ok, false);
    assert.equal(unknown.error, "libvirt host 'h9' is not configured on this agent (configured: h1, h2)");
    const docker = await ex.submit(
      {
        id: 2,
        key: 'b',
        kind: 'workload.scale',
        target: { kind: 'workload', driver: 'docker', cluster: 'c1', namespace: 'default', name: 'web' },
        params: { replicas: 3 },
      },
      () => {},
    );
    assert.equal(
      docker.error,
      'the docker driver is not configured on this agent (start it with --docker <cluster>=<url>)',
    );
    const bad = await ex.submit(op(3, 'c', 'vm.snapshot.create', { snapshot: 5 }), () => {});
    assert.match(bad.error ?? '', /^vm.snapshot.create: invalid params.snapshot: /);
    const migrate = await ex.submit(op(4, 'd', 'vm.migrate', { target_host: 'h7' }), () => {});
    assert.equal(migrate.error, "libvirt target host 'h7' is not configured on this agent");
    assert.deepEqual(driver.calls, []);
  });

  test('operations run one at a time, in order', async () => {
    const driver = new RecordingVmDriver();
    driver.delayMs = 20;
    const ex = new Executor({ drivers: { libvirt: driver }, journal: null, dryRun: false, log: () => {} });
    const order: string[] = [];
    await Promise.all([
      ex.submit(op(1, 'a', 'vm.stop'), (m) => order.push(`${m.type}:${'id' in m ? m.id : ''}`)),
      ex.submit(op(2, 'b', 'vm.start'), (m) => order.push(`${m.type}:${'id' in m ? m.id : ''}`)),
    ]);
    assert.deepEqual(order, ['started:1', 'result:1', 'started:2', 'result:2']);
  });
});

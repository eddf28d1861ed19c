// The host driver. Temp-file cleanup runs the real `find` on a real directory tree (with symlinks pointing out of
// the allowed root); systemctl, journalctl and ssh cannot run here (no systemd as PID 1, no sshd), so the driver's
// command paths point at agent/test/host-bin/, small scripts that print what the real tools print. Over "ssh" the
// stand-in hands the quoted words to sh as sshd would, so the same find runs on the same tree.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { lutimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostDriver, vacuumedBytes, type CleanupPolicy } from '../drivers/host.ts';
import { parseHostConfig } from '../drivers/host-config.ts';
import { Executor } from '../executor.ts';
import type { AgentMessage, Operation } from '../../worker/virtualization/agent-protocol.ts';

const BIN = join(import.meta.dirname, 'host-bin');
const DAY = 86_400_000;
const work = mkdtempSync(join(tmpdir(), 'host-driver-'));
const log = join(work, 'calls.log');
process.env.HOST_FAKE_LOG = log;
process.env.HOST_FAKE_STATE = work;
const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

function driver(extra: Record<string, unknown> = {}, root = join(work, 'root')) {
  return new HostDriver(
    parseHostConfig({
      hosts: { 'web-01': {}, 'web-02': { ssh: 'ops@web-02.site' }, 'web-03': { ssh: 'ops@unreachable-03' } },
      units: ['nginx', 'broken.service', 'flaky.service', 'slow.service'],
      temp_roots: [root],
      commands: {
        systemctl: join(BIN, 'systemctl'),
        journalctl: join(BIN, 'journalctl'),
        ssh: [join(BIN, 'ssh'), '-o', 'BatchMode=yes'],
      },
      timeout_s: 10,
      settle_s: 5,
      ...extra,
    }),
  );
}

const policy = (p: Partial<CleanupPolicy>): CleanupPolicy => ({
  temp_dirs: [],
  temp_max_age_days: 7,
  image_prune: 'off',
  ...p,
});

/**
 * root/old.log (1000 B, 10 days old), root/new.log (fresh), root/sub/old.tmp (500 B, 10 days), root/odd 'name'/x
 * (300 B, 10 days), and two symlinks out: root/secret-link → outside/secret, root/out → outside/ (whose files are
 * old too). Only the three old regular files inside may go.
 */
function tree() {
  const root = join(work, 'root');
  const outside = join(work, 'outside');
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, "odd 'name'"), { recursive: true });
  mkdirSync(outside, { recursive: true });
  const old = new Date(Date.now() - 10 * DAY);
  const file = (path: string, bytes: number, at = old) => {
    writeFileSync(path, Buffer.alloc(bytes, 1));
    utimesSync(path, at, at);
  };
  file(join(root, 'old.log'), 1000);
  file(join(root, 'new.log'), 2000, new Date());
  file(join(root, 'sub', 'old.tmp'), 500);
  file(join(root, "odd 'name'", 'x'), 300);
  file(join(outside, 'secret'), 4000);
  file(join(outside, 'old-outside.log'), 8000);
  symlinkSync(join(outside, 'secret'), join(root, 'secret-link'));
  symlinkSync(outside, join(root, 'out'));
  return { root, outside, old };
}

beforeEach(() => rmSync(log, { force: true }));
after(() => rmSync(work, { recursive: true, force: true }));

describe('host driver: service restart (recorded systemctl)', () => {
  test('restarts an allowed unit and confirms it is active', async () => {
    const out = await driver().restartService('web-01', 'nginx');
    assert.deepEqual(out, { host: 'web-01', unit: 'nginx.service', state: 'active', restarted: true });
    assert.deepEqual(calls(), ['systemctl restart -- nginx.service', 'systemctl is-active -- nginx.service']);
  });

  test('a unit not on the allow-list is refused before anything runs', async () => {
    await assert.rejects(
      driver().restartService('web-01', 'sshd'),
      /unit 'sshd.service' is not on this agent's allow-list/,
    );
    await assert.rejects(driver().restartService('db-09', 'nginx'), /host 'db-09' is not configured/);
    assert.deepEqual(calls(), []);
  });

  test('a failed restart job, and a unit that comes back failed, fail with systemctl’s words', async () => {
    await assert.rejects(
      driver().restartService('web-01', 'broken.service'),
      /systemctl restart broken.service failed: .*control process exited/,
    );
    await assert.rejects(
      driver().restartService('web-01', 'flaky.service'),
      /flaky.service is failed after the restart/,
    );
  });

  test('a unit still activating is asked again until it is active', async () => {
    rmSync(join(work, 'slow'), { force: true });
    const out = await driver().restartService('web-01', 'slow.service');
    assert.equal(out.state, 'active');
    assert.equal(calls().filter((c) => c.includes('is-active')).length, 3);
  });

  test('over SSH: BatchMode, the destination, `--`, then the command', async () => {
    const out = await driver().restartService('web-02', 'nginx.service');
    assert.equal(out.state, 'active');
    assert.equal(
      calls()[0],
      `ssh -o BatchMode=yes ops@web-02.site -- ${join(BIN, 'systemctl')} restart -- nginx.service`,
    );
    await assert.rejects(
      driver().restartService('web-03', 'nginx'),
      /ssh to ops@unreachable-03 failed: .*Connection refused/,
    );
  });
});

describe('host driver: disk cleanup', () => {
  test('removes only old regular files under the allowed root, follows no symlink, reports the bytes', async () => {
    const { root, outside } = tree();
    const out = await driver().cleanDisk('web-01', policy({ temp_dirs: [root] }));
    assert.deepEqual(out, { host: 'web-01', temp: [{ dir: root, files: 3, bytes_freed: 1800 }], bytes_freed: 1800 });
    assert.ok(!existsSync(join(root, 'old.log')));
    assert.ok(!existsSync(join(root, 'sub', 'old.tmp')));
    assert.ok(existsSync(join(root, 'new.log')));
    assert.ok(lstatSync(join(root, 'secret-link')).isSymbolicLink());
    assert.ok(lstatSync(join(root, 'out')).isSymbolicLink());
    assert.ok(existsSync(join(outside, 'secret')));
    assert.ok(existsSync(join(outside, 'old-outside.log')));
  });

  test('a symlink at the asked dir leads nowhere: find starts from the root and never descends into it', async () => {
    const { root, outside } = tree();
    await lutimes(join(root, 'out'), new Date(0), new Date(0));
    const out = await driver().cleanDisk('web-01', policy({ temp_dirs: [join(root, 'out')] }));
    assert.deepEqual(out.temp, [{ dir: join(root, 'out'), files: 0, bytes_freed: 0 }]);
    assert.ok(existsSync(join(outside, 'old-outside.log')));
    assert.ok(existsSync(join(root, 'old.log')), 'only the asked dir is cleaned');
  });

  test('only the asked sub-directory, and the age is respected', async () => {
    const { root } = tree();
    const out = await driver().cleanDisk('web-01', policy({ temp_dirs: [join(root, 'sub')], temp_max_age_days: 30 }));
    assert.deepEqual(out.temp, [{ dir: join(root, 'sub'), files: 0, bytes_freed: 0 }]);
    const out2 = await driver().cleanDisk('web-01', policy({ temp_dirs: [join(root, 'sub')], temp_max_age_days: 9 }));
    assert.deepEqual(out2.temp, [{ dir: join(root, 'sub'), files: 1, bytes_freed: 500 }]);
    assert.ok(existsSync(join(root, 'old.log')));
  });

  test('a dir outside the allowed roots is refused before anything runs', async () => {
    const { root, outside } = tree();
    const d = driver();
    assert.throws(
      () => d.checkCleanup('web-01', policy({ temp_dirs: [outside] })),
      /outside this agent's allowed roots/,
    );
    assert.throws(() => d.checkCleanup('web-01', policy({ temp_dirs: [`${root}/../outside`] })), /normalized absolute/);
    assert.throws(() => d.checkCleanup('web-01', policy({ temp_dirs: [`${root}-evil`] })), /outside/);
    assert.throws(() => d.checkCleanup('web-01', policy({ temp_dirs: ['tmp'] })), /absolute/);
    await assert.rejects(d.cleanDisk('web-01', policy({ temp_dirs: [root, outside] })), /outside/);
    assert.ok(existsSync(join(root, 'old.log')), 'nothing ran');
  });

  test('over SSH the same find runs, every word quoted for the remote shell', async () => {
    const { root, outside } = tree();
    const odd = join(root, "odd 'name'");
    const out = await driver().cleanDisk('web-02', policy({ temp_dirs: [odd, join(root, 'sub')] }));
    assert.deepEqual(out.temp, [
      { dir: odd, files: 1, bytes_freed: 300 },
      { dir: join(root, 'sub'), files: 1, bytes_freed: 500 },
    ]);
    assert.ok(existsSync(join(root, 'old.log')));
    assert.ok(existsSync(join(outside, 'secret')));
    assert.match(calls()[0]!, /^ssh -o BatchMode=yes ops@web-02.site -- find -P .* -path '.*odd '\\''name'\\''\/\*' /);
  });

  test('journal vacuum: the sizes journalctl reports are added up', async () => {
    const out = await driver().cleanDisk('web-01', policy({ journal_max_size_mb: 500, journal_max_age_days: 14 }));
    assert.deepEqual(out, {
      host: 'web-01',
      journal: { bytes_freed: 24 * 1024 * 1024, ok: true },
      bytes_freed: 25165824,
    });
    assert.deepEqual(calls(), ['journalctl --vacuum-size=500M --vacuum-time=14d']);
    assert.equal(
      vacuumedBytes(
        'Vacuuming done, freed 1.5G of archived journals from /x.\nVacuuming done, freed 512B of archived journals from /y.',
      ),
      1610612736 + 512,
    );
  });

  test('a failing step fails the cleanup, naming it and what the others freed', async () => {
    const { root } = tree();
    process.env.HOST_FAKE_JOURNAL_DENIED = '1';
    try {
      await assert.rejects(
        driver().cleanDisk('web-01', policy({ journal_max_size_mb: 100, temp_dirs: [root] })),
        /journal vacuum: .*Permission denied.*\(freed 1800 bytes before that\)/s,
      );
    } finally {
      delete process.env.HOST_FAKE_JOURNAL_DENIED;
    }
  });
});

describe('host driver: image prune through the Engine API', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  before(async () => {
    // the Engine API's documented answer to POST /images/prune
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          ImagesDeleted: [{ Untagged: 'nginx:1.24' }, { Deleted: 'sha256:aa' }, { Deleted: 'sha256:bb' }],
          SpaceReclaimed: 187_000_000,
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  after(() => server.close());

  test('prunes unused images on the host’s engine and counts what it reclaimed', async () => {
    const d = driver({ hosts: { 'web-01': { docker: url } } });
    const out = await d.cleanDisk('web-01', policy({ image_prune: 'unused' }));
    assert.deepEqual(out, {
      host: 'web-01',
      images: { deleted: 2, bytes_freed: 187_000_000 },
      bytes_freed: 187_000_000,
    });
    assert.deepEqual(seen, [`POST /v1.41/images/prune?filters=${encodeURIComponent('{"dangling":["false"]}')}`]);
  });

  test('asked of a host with no engine configured: refused', () => {
    assert.throws(() => driver().checkCleanup('web-01', policy({ image_prune: 'dangling' })), /no Docker engine/);
  });
});

describe('host operations through the executor', () => {
  const op = (kind: Operation['kind'], params: Record<string, unknown>, host = 'web-01'): Operation => ({
    id: 7,
    key: `host:k-${Math.random()}`,
    kind,
    target: { kind: 'host', driver: 'host', host },
    params,
  });
  const results = (sent: AgentMessage[]) => sent.filter((m) => m.type === 'result');

  test('an allowed unit is restarted; one not allowed fails with nothing run', async () => {
    const sent: AgentMessage[] = [];
    const ex = new Executor({ drivers: { host: driver() }, journal: null, dryRun: false, log: () => {} });
    assert.deepEqual(ex.drivers(), ['host']);
    const ok = await ex.submit(op('host.service_restart', { unit: 'nginx' }), (m) => sent.push(m));
    assert.equal(ok.ok, true);
    assert.deepEqual(ok.output, { host: 'web-01', unit: 'nginx.service', state: 'active', restarted: true });
    rmSync(log, { force: true });
    const refused = await ex.submit(op('host.service_restart', { unit: 'postgresql' }), (m) => sent.push(m));
    assert.equal(refused.ok, false);
    assert.match(refused.error!, /not on this agent's allow-list/);
    assert.deepEqual(calls(), []);
    assert.equal(results(sent).length, 2);
  });

  test('bad params and a missing host driver are named', async () => {
    const ex = new Executor({ drivers: {}, journal: null, dryRun: false, log: () => {} });
    const r = await ex.submit(op('host.disk_cleanup', { temp_dirs: ['/tmp'] }), () => {});
    assert.match(r.error!, /host driver is not configured on this agent \(start it with --host-config <file>\)/);
    const ex2 = new Executor({ drivers: { host: driver() }, journal: null, dryRun: false, log: () => {} });
    const bad = await ex2.submit(op('host.service_restart', { unit: '' }), () => {});
    assert.match(bad.error!, /host.service_restart: invalid params.unit/);
  });
});

describe('host config', () => {
  test('refuses what could be read as an option or is not what it claims', () => {
    assert.throws(
      () => parseHostConfig({ hosts: { a: { ssh: '-oProxyCommand=x' } } }),
      /hosts.a.ssh: must be \[user@\]host/,
    );
    assert.throws(() => parseHostConfig({ hosts: {}, units: ['--all'] }), /units.0: must be a unit name/);
    assert.throws(() => parseHostConfig({ hosts: {}, temp_roots: ['/'] }), /temp_roots.0/);
    assert.throws(() => parseHostConfig({ hosts: { a: { via: 'ssh' } } }), /via ssh needs/);
    assert.throws(() => parseHostConfig({ hosts: {}, unit: [] }), /unit/);
  });
});

// Against the real virsh and libvirt's built-in test driver: each host is its own test:///default connection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { LibvirtDriver } from '../drivers/libvirt.ts';
import { prepare } from '../dispatch.ts';

let hasVirsh = true;
try {
  execFileSync('virsh', ['--version']);
} catch {
  hasVirsh = false;
}

describe(
  'libvirt driver (virsh -c test:///default)',
  // CI sets DCP_REQUIRE_VIRSH so that a missing virsh fails there instead of skipping
  {
    skip: !hasVirsh && !process.env.DCP_REQUIRE_VIRSH && 'virsh is not installed (apt-get install -y libvirt-clients)',
  },
  () => {
    let d: LibvirtDriver;
    before(() => {
      d = new LibvirtDriver({ h1: 'test:///default', h2: 'test:///default' }, { stopTimeoutMs: 5000 });
    });
    after(() => d.close());

    test('observes the test driver’s own domain with mapped state, cpu and memory', async () => {
      const vms = await d.list();
      const t = vms.find((v) => v.host === 'h1' && v.name === 'test');
      assert.ok(t);
      assert.equal(t.state, 'running');
      assert.equal(t.cpu_cores, 2);
      assert.equal(t.ram_gb, 8);
      assert.match(t.uuid ?? '', /^[0-9a-f-]{36}$/);
    });

    test('a host that does not answer is reported unreachable and hides none of the others', async () => {
      const mixed = new LibvirtDriver(
        { ok: 'test:///default', gone: 'test:///nonexistent/dc-platform-node.xml' },
        { stopTimeoutMs: 5000 },
      );
      try {
        const vms = await mixed.list();
        assert.deepEqual(
          vms.map((v) => `${v.host}/${v.name}`),
          ['ok/test'],
        );
        const [u, ...more] = mixed.unreachable();
        assert.equal(more.length, 0);
        assert.equal(u?.target, 'gone');
        assert.ok(u?.error.length, 'with the reason virsh gave');
      } finally {
        await mixed.close();
      }
    });

    test('create defines and starts a VM that keeps existing on the same connection', async () => {
      const out = await d.create('h1', 'web-1', {
        cpu_cores: 4,
        ram_gb: 2,
        disk_gb: 10,
        os: 'Debian 12',
        network_type: 'VLAN',
        vlan: '120',
      });
      assert.equal(out.state, 'running');
      assert.equal(out.disk, 'default-pool/web-1.qcow2');
      const vm = (await d.list()).find((v) => v.name === 'web-1');
      assert.deepEqual([vm?.host, vm?.state, vm?.cpu_cores, vm?.ram_gb], ['h1', 'running', 4, 2]);
      // h2 is a separate hypervisor: it does not see h1's VM
      assert.equal(await d.state('h2', 'web-1'), null);
    });

    test('stop, start, restart and suspended mapping', async () => {
      assert.equal((await d.stop('h1', 'web-1')).state, 'stopped');
      assert.equal(await d.state('h1', 'web-1'), 'stopped');
      assert.equal((await d.stop('h1', 'web-1')).state, 'stopped', 'stopping a stopped VM is a success');
      assert.equal((await d.start('h1', 'web-1')).state, 'running');
      assert.equal((await d.start('h1', 'web-1')).state, 'running', 'starting a running VM is a success');
      assert.equal((await d.restart('h1', 'web-1')).state, 'running');
      await d['shell']('h1').run('suspend', 'web-1');
      assert.equal(await d.state('h1', 'web-1'), 'suspended');
      assert.equal((await d.start('h1', 'web-1')).state, 'running', 'start resumes a paused VM');
    });

    test('snapshots: create, list, revert, delete', async () => {
      await d.snapshotCreate('h1', 'web-1', 'before-upgrade');
      const out = await d.snapshotCreate('h1', 'web-1', 'second');
      assert.deepEqual(out.snapshots, ['before-upgrade', 'second']);
      await d.stop('h1', 'web-1');
      const reverted = await d.snapshotRevert('h1', 'web-1', 'before-upgrade');
      assert.equal(reverted.state, 'running', 'the snapshot was taken running');
      assert.deepEqual((await d.snapshotDelete('h1', 'web-1', 'second')).snapshots, ['before-upgrade']);
      assert.deepEqual((await d.list()).find((v) => v.name === 'web-1')?.snapshots, ['before-upgrade']);
      await assert.rejects(d.snapshotRevert('h1', 'web-1', 'nope'), /virsh snapshot-revert/);
    });

    test('clone from the VM and from a snapshot records lineage and copies the volume', async () => {
      const out = await d.clone('h1', 'web-1', 'web-1-copy');
      assert.equal(out.source, 'web-1');
      assert.equal(out.state, 'stopped');
      assert.notEqual(out.uuid, (await d.list()).find((v) => v.name === 'web-1')?.uuid);
      assert.deepEqual(await d.lineage('h1', 'web-1-copy'), { source: 'web-1' });
      const xml = await d['shell']('h1').run('dumpxml', 'web-1-copy');
      assert.match(xml, /volume='web-1-copy.qcow2'/);
      const fromSnap = await d.clone('h1', 'web-1', 'web-1-snap', 'before-upgrade');
      assert.equal(fromSnap.snapshot, 'before-upgrade');
      assert.deepEqual(await d.lineage('h1', 'web-1-snap'), { source: 'web-1', snapshot: 'before-upgrade' });
      assert.deepEqual(await d.lineage('h1', 'test'), null);
    });

    test('a scaling group’s clone (start: true) is made and started in one operation, then deleted', async () => {
      const op = {
        id: 1,
        key: 'k-scale-1',
        kind: 'vm.clone' as const,
        target: { kind: 'vm' as const, driver: 'libvirt' as const, name: 'web-1', host: 'h1' },
        params: { clone_name: 'web-1-asg-1', start: true },
      };
      const out = await prepare(op, { libvirt: d })({ progress: () => {}, paused: async () => {} } as never);
      assert.equal(out.source, 'web-1');
      assert.equal(out.state, 'running');
      assert.equal(await d.state('h1', 'web-1-asg-1'), 'running');
      const gone = await prepare(
        { ...op, key: 'k-scale-2', kind: 'vm.delete', target: { ...op.target, name: 'web-1-asg-1' }, params: {} },
        { libvirt: d },
      )({ progress: () => {}, paused: async () => {} } as never);
      assert.equal(gone.deleted, true);
      assert.equal(await d.state('h1', 'web-1-asg-1'), null);
    });

    test('migrate between two test:// hosts moves the VM and keeps it running', async () => {
      const out = await d.migrate('h1', 'web-1', 'h2', true);
      assert.equal(out.host, 'h2');
      assert.equal(out.state, 'running');
      assert.equal(await d.state('h1', 'web-1'), null);
      assert.equal(await d.state('h2', 'web-1'), 'running');
      const vm = (await d.list()).find((v) => v.name === 'web-1');
      assert.equal(vm?.host, 'h2');
    });

    test('delete removes the VM and its own volume; unknown hosts and VMs fail clearly', async () => {
      const out = await d.delete('h1', 'web-1-copy');
      assert.deepEqual(out, { deleted: true, volumes_deleted: ['default-pool/web-1-copy.qcow2'] });
      assert.equal(await d.state('h1', 'web-1-copy'), null);
      await assert.rejects(
        d.start('h9', 'x'),
        /libvirt host 'h9' is not configured on this agent \(configured: h1, h2\)/,
      );
      await assert.rejects(d.start('h1', 'ghost'), /has no VM 'ghost'/);
    });
  },
);

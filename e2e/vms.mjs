// Browser test: virtual machines (see e2e/lib/harness.mjs for the server, the browser and the step runner).
// On the demo estate: the VM list, a VM's page with its host's capacity, a VM created through the form (a host
// without room answers inline), the migrate dialog (valid hosts with free capacity, refused ones with their
// reasons), the queued migration waiting for the site agent, and cancelling it; then the real site agent on
// libvirt's test driver runs a migration, a snapshot and a clone from that snapshot asked from the UI, and an
// auto-scaling group made from the UI grows by a started clone of its template.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminApiToken, browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

await browserSuite('vms', { port: 8960 }, async ({ page, origin, step }) => {
  const url = (p) => `${origin}${p}`;
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  let token;
  const apiGet = async (path) => {
    const r = await page.request.get(url(`/api${path}`), { headers: { authorization: `Bearer ${token}` } });
    expect(r.ok(), `GET ${path}: ${r.status()}`);
    return r.json();
  };
  let vm;

  await step('sign in as admin and seed the demo estate', async () => {
    await page.goto(url('/login'));
    await page.fill('#username', 'admin');
    await page.fill('#password', 'admin123');
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/');
    token = await adminApiToken(page, origin);
    const seed = await page.request.post(url('/api/demo/seed'), {
      headers: { authorization: `Bearer ${token}` },
      data: {},
    });
    const body = await seed.json();
    log('seeded', JSON.stringify(body));
    expect(body.vms > 10, `seed created ${body.vms} VMs`);
  });

  await step('the VM list opens from the sidebar, searchable and filterable', async () => {
    await page.click('nav >> text=Virtual machines');
    await page.waitForURL((u) => u.pathname === '/vms');
    await page.locator('[data-testid=vms-table] tbody tr').first().waitFor();
    const running = (await apiGet('/vms?status=running&limit=1000')).length;
    await page.goto(url('/vms?status=running'));
    await page.locator('[data-testid=vms-table] tbody a.cell-link').first().waitFor();
    const shown = (await page.locator('[data-testid=vms-table] tbody tr').allInnerTexts()).join('\n');
    expect(shown.includes('Running') && !shown.includes('Stopped'), `only running VMs shown: ${shown.slice(0, 300)}`);
    log(`${running} running VMs`);
    await shot('vms-list');
  });

  await step('the demo web pools: list, and a pool with its members, decisions and host metric', async () => {
    await page.goto(url('/vms'));
    await page.click('text=Auto-scaling groups');
    await page.waitForURL((u) => u.pathname === '/vms/scaling-groups');
    // wait for a linked row: before the list arrives the body holds one loading/empty row
    await page.locator('[data-testid=scaling-groups-table] tbody a.cell-link').first().waitFor();
    const rows = page.locator('[data-testid=scaling-groups-table] tbody tr');
    expect((await rows.count()) === 3, `pools listed: ${await rows.count()}`);
    await shot('scaling-groups');
    await page.locator('[data-testid=scaling-groups-table] tbody a.cell-link').first().click();
    await page.waitForURL((u) => /^\/vms\/scaling-groups\/\d+$/.test(u.pathname));
    await page.locator('[data-testid=scaling-members] tbody tr >> text=web-pool-2').waitFor();
    await page.locator('[data-testid=scaling-chart] svg, [data-testid=scaling-chart] .note').first().waitFor();
    await shot('scaling-group-demo');
  });

  await step('a VM page shows its host capacity with this VM marked', async () => {
    // a running VM on a host with another host of its datacenter able to take it
    const all = await apiGet('/vms?status=running&limit=1000');
    for (const v of all) {
      const targets = await apiGet(`/vms/${v.id}/migration-targets`);
      if (targets.some((t) => t.allowed) && targets.some((t) => !t.allowed)) {
        vm = v;
        break;
      }
    }
    expect(vm, 'a VM with both valid and refused targets');
    await page.goto(url(`/vms/${vm.id}`));
    await page.locator('[data-testid=host-capacity] [role=progressbar]').first().waitFor();
    const cap = await page.locator('[data-testid=host-capacity]').innerText();
    expect(cap.includes(vm.host_name) && cap.includes(`this VM ${vm.cpu_cores}`), `capacity card: ${cap}`);
    await shot('vm-detail');
  });

  await step('the form refuses a VM the host has no room for, next to the field', async () => {
    await page.goto(url(`/vms/new?host_server_id=${vm.host_server_id}`));
    await page.fill('input[name=name]', 'e2e-too-big');
    await page.fill('input[name=cpu_cores]', '4');
    await page.fill('input[name=ram_gb]', '20000');
    await page.click('[data-testid=vm-form] button[type=submit]');
    const err = page.locator('[data-testid=field-error-ram_gb]');
    await err.waitFor();
    const text = await err.innerText();
    expect(/RAM: 20000 GB asked, [\d.]+ GB free/.test(text), `inline error: ${text.slice(0, 400)}`);
    await shot('vm-form-refused');
    await page.fill('input[name=ram_gb]', '2');
    await page.click('[data-testid=vm-form] button[type=submit]');
    await page.waitForURL((u) => /^\/vms\/\d+$/.test(u.pathname));
    await page.locator('[data-testid=vm-status]').waitFor();
  });

  await step(
    'migrate: valid hosts with their free capacity, refused ones with reasons; queued, then cancelled',
    async () => {
      await page.goto(url(`/vms/${vm.id}`));
      await page.click('[data-testid=op-migrate]');
      const list = page.locator('[data-testid=migration-targets]');
      await list.waitFor();
      await page.locator('[data-testid=migration-targets] input[type=radio]').first().waitFor();
      const refused = page.locator('[data-testid^=refused-]');
      expect((await refused.count()) > 0, 'refused hosts listed');
      // textContent: the refused hosts sit below the list's scroll, where innerText may leave their lines out
      const reason = (await refused.allTextContents()).join(' | ');
      expect(/maintenance|asked|anti-affinity|offline|zone|decommissioned|runs /.test(reason), `a reason: ${reason}`);
      await shot('vm-migrate-dialog');
      await page.click('[data-testid=confirm-migrate]');
      await page.locator('[data-testid=waiting-agent]').waitFor();
      expect((await page.locator('[data-testid=vm-status]').innerText()).includes('Migrating'), 'VM shows migrating');
      const ops = page.locator('[data-testid=vm-operations]');
      await ops.locator('tbody >> text=waiting for the site agent').waitFor();
      await shot('vm-migrating');
      await ops.locator('[data-testid^=cancel-op-]').first().click();
      await ops.locator('tbody >> text=Cancelled').first().waitFor();
      await page.locator('[data-testid=waiting-agent]').waitFor({ state: 'detached' });
      const after = await apiGet(`/vms/${vm.id}`);
      expect(
        after.status === 'running' && after.host_server_id === vm.host_server_id,
        `back as it was: ${after.status}`,
      );
    },
  );

  await step('the operations log lists it with its state', async () => {
    await page.goto(url('/vms/operations'));
    await page.locator('[data-testid=vm-operations] tbody a.cell-link').first().waitFor();
    const text = (await page.locator('[data-testid=vm-operations] tbody tr').allInnerTexts()).join('\n');
    expect(text.includes(vm.name) && text.includes('Migrate') && text.includes('Cancelled'), text.slice(0, 300));
    await shot('vm-operations');
  });

  // the real site agent (agent/main.ts) on libvirt's own test driver: one connection per host, the source holding
  // the driver's predefined running domain "test"; the VM of that name is migrated from the UI and the agent does it
  await step('with the site agent connected, a migration from the UI runs on libvirt and the VM moves', async () => {
    const post = async (path, data) => {
      const r = await page.request.post(url(`/api${path}`), { headers: { authorization: `Bearer ${token}` }, data });
      expect(r.ok(), `POST ${path}: ${r.status()} ${await r.text()}`);
      return r.json();
    };
    const put = async (path, data) => {
      const r = await page.request.put(url(`/api${path}`), { headers: { authorization: `Bearer ${token}` }, data });
      expect(r.ok(), `PUT ${path}: ${r.status()} ${await r.text()}`);
    };
    const dc = await post('/datacenters', { name: 'DC-AGENT', location: 'Lab', tier: 'Tier 3' });
    const rack = await post('/racks', { name: 'R-AGENT', datacenter_id: dc.id, u_capacity: 42, power_capacity_kw: 10 });
    const host = (n, u) =>
      post('/servers', {
        name: n,
        rack_id: rack.id,
        serial_number: `SN-${n}`,
        u_position: u,
        cpu_cores: 16,
        ram_gb: 64,
        power_supply_w: 500,
      });
    const [a, b] = [await host('lab-hv-a', 1), await host('lab-hv-b', 3)];
    for (const h of [a, b]) await put(`/servers/${h.id}/overcommit`, { cpu_ratio: 4, ram_ratio: 1, disk_ratio: 1 });
    const testVm = await post('/vms', {
      name: 'test',
      host_server_id: a.id,
      cpu_cores: 2,
      ram_gb: 2,
      status: 'running',
    });
    const agentToken = (await post('/tokens', { name: 'lab agent', scopes: ['agent'], site_id: dc.id })).token;
    const dir = mkdtempSync(join(tmpdir(), 'dcp-agent-'));
    const journal = join(dir, 'journal.jsonl');
    // the target host: a test-driver node with no domains (test:///default predefines a "test" of its own)
    writeFileSync(join(dir, 'empty-node.xml'), '<node/>');
    const agent = spawn(
      process.execPath,
      [
        'agent/main.ts',
        '--url',
        origin,
        '--journal',
        journal,
        '--libvirt',
        'lab-hv-a=test:///default',
        '--libvirt',
        `lab-hv-b=test://${join(dir, 'empty-node.xml')}`,
        '--observe-every',
        '2',
      ],
      { env: { ...process.env, DCP_AGENT_TOKEN: agentToken }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let agentLog = '';
    agent.stdout.on('data', (d) => (agentLog += d));
    agent.stderr.on('data', (d) => (agentLog += d));
    try {
      const connected = async () => (await apiGet(`/sites/${dc.id}/agent`)).hostname;
      for (let i = 0; i < 60 && !(await connected()); i++) await page.waitForTimeout(250);
      expect(await connected(), `agent did not connect:\n${agentLog}`);
      await page.goto(url(`/vms/${testVm.id}`));
      await page.click('[data-testid=op-migrate]');
      await page.locator('[data-testid=migration-targets] input[type=radio]').first().waitFor();
      await page.check(`[data-testid=migration-targets] input[value="${b.id}"]`);
      await page.click('[data-testid=confirm-migrate]');
      // the page follows the operation: the VM ends on lab-hv-b, running, and the agent sees it there
      await page
        .locator('[data-testid=vm-operations] tbody >> text=Succeeded')
        .waitFor({ timeout: 30_000 })
        .catch(async (e) => {
          const ops = await apiGet(`/vm-operations?vm_id=${testVm.id}`);
          throw new Error(`${e.message}\noperations: ${JSON.stringify(ops)}\nagent:\n${agentLog.slice(-2000)}`);
        });
      const moved = await apiGet(`/vms/${testVm.id}`);
      expect(moved.host_server_id === b.id && moved.status === 'running', `VM: ${JSON.stringify(moved)}\n${agentLog}`);
      for (let i = 0; i < 40 && (await apiGet(`/vms/${testVm.id}`)).observed_host !== 'lab-hv-b'; i++)
        await page.waitForTimeout(250);
      const seen = await apiGet(`/vms/${testVm.id}`);
      expect(seen.observed_host === 'lab-hv-b' && !seen.drift, `observed: ${JSON.stringify(seen)}`);
      await page.reload();
      await page.locator('text=lab-hv-b').first().waitFor();
      await shot('vm-migrated-by-agent');

      // a snapshot taken from the UI: libvirt takes it, the tree shows it where the VM now is
      await page.click('[data-testid=take-snapshot]');
      await page.fill('#snap-name', 'bad name');
      await page.click('button[form=take-snapshot-form]');
      await page.locator('[data-testid=field-error-name]').waitFor();
      await page.fill('#snap-name', 'before-upgrade');
      await page.fill('#snap-ret', '30');
      await page.click('button[form=take-snapshot-form]');
      const snapshotReady = async () =>
        (await apiGet(`/vm-snapshots?vm_id=${testVm.id}`)).find((x) => x.name === 'before-upgrade')?.status;
      for (let i = 0; i < 80 && (await snapshotReady()) !== 'ready'; i++) await page.waitForTimeout(250);
      expect(
        (await snapshotReady()) === 'ready',
        `snapshot: ${await snapshotReady()}\nagent:\n${agentLog.slice(-2000)}`,
      );
      await page.locator('[data-testid=snapshot-before-upgrade] >> text=you are here').waitFor({ timeout: 10_000 });

      // a clone from that snapshot: recorded at once as provisioning, made by libvirt, its lineage on both pages
      await page.click('button[aria-label="Clone from before-upgrade"]');
      await page.fill('#clone-name', 'test-clone');
      await page.click('button[form=clone-form]');
      const cloneOf = async () => (await apiGet('/vms?q=test-clone'))[0];
      for (let i = 0; i < 80 && (await cloneOf())?.status !== 'stopped'; i++) await page.waitForTimeout(250);
      const clone = await cloneOf();
      expect(
        clone?.status === 'stopped' && clone.cloned_from_vm_id === testVm.id && clone.host_server_id === b.id,
        `clone: ${JSON.stringify(clone)}\nagent:\n${agentLog.slice(-2000)}`,
      );
      await page.reload();
      await page.locator('[data-testid=lineage] >> text=test-clone').waitFor();
      await shot('vm-snapshots-and-clone');
      await page.goto(url(`/vms/${clone.id}`));
      await page.locator('[data-testid=lineage] >> text=Clone of').waitFor();
      const lineage = await page.locator('[data-testid=lineage]').innerText();
      expect(lineage.includes('test') && lineage.includes('snapshot'), `lineage: ${lineage}`);

      // an auto-scaling group made from the UI with the clone as its template: thresholds that cross are refused
      // next to their field; below its minimum, the minute cron has the agent clone the template and start it
      await page.click('[data-testid=lineage] >> text=Make an auto-scaling group from it');
      await page.waitForURL((u) => u.pathname === '/vms/scaling-groups/new');
      await page.locator('[data-testid=scaling-group-form]').waitFor();
      await page.fill('#f-name', 'lab-pool');
      await page.fill('#f-scale_out_above', '60');
      await page.fill('#f-scale_in_below', '70');
      await page.fill('#f-min_size', '1');
      await page.fill('#f-max_size', '2');
      await page.click('[data-testid=scaling-group-form] button[type=submit]');
      await page.locator('[data-testid=field-error-scale_in_below]').waitFor();
      await shot('scaling-group-refused');
      await page.fill('#f-scale_in_below', '20');
      await page.click('[data-testid=scaling-group-form] button[type=submit]');
      await page.waitForURL((u) => /^\/vms\/scaling-groups\/\d+$/.test(u.pathname));
      const groupId = Number(new URL(page.url()).pathname.split('/').pop());
      const member = async () => (await apiGet(`/vms?scaling_group_id=${groupId}`))[0];
      for (let i = 0; i < 120 && (await member())?.status !== 'running'; i++) {
        if (i % 8 === 0) await page.request.get(url('/cdn-cgi/handler/scheduled?cron=*+*+*+*+*'));
        await page.waitForTimeout(250);
      }
      const m = await member();
      const decided = await apiGet(`/vm-scaling-decisions?group_id=${groupId}`);
      expect(
        m?.status === 'running' && m.name === 'lab-pool-1' && m.host_server_id === b.id,
        `member: ${JSON.stringify(m)}\ndecisions: ${JSON.stringify(decided)}\nagent:\n${agentLog.slice(-2000)}`,
      );
      expect(
        decided.some((d) => d.action === 'scale_out' && /below the minimum of 1/.test(d.reason)),
        `decisions: ${JSON.stringify(decided)}`,
      );
      await page.reload();
      await page.locator('[data-testid=scaling-members] >> text=lab-pool-1').waitFor();
      await page.locator('[data-testid=scaling-decisions] >> text=below the minimum').waitFor();
      await shot('scaling-group');
    } finally {
      agent.kill('SIGTERM');
    }
  });
});

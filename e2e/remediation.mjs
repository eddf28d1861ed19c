// Browser test: auto-remediation end to end, against `npm start` and the real site agent on libvirt's test driver.
// A hot-host rule exists; an operator makes a playbook through the form (a blast radius of 0 refused inline first)
// in approval mode; a fault is injected (the host's CPU at 97 %), the alert fires and the cron's playbook step
// proposes moving the VM "test" to the other host; the operator approves it in the approvals inbox, the agent
// migrates it on libvirt, and once the host cools the run is verified as succeeded, with its path on its page.
// Then the kill switch: turned on from the page (banner and audit), a second fault is held back by it, and off.
// Screenshots: e2e/screenshots/remediation-*.png.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserSuite, signInAdmin } from './lib/harness.mjs';

await browserSuite('remediation', { port: 8887 }, async ({ page, origin, step, shot, expect, log }) => {
  const url = (p) => `${origin}${p}`;
  let call;
  let dc,
    a,
    b,
    testVm,
    rule,
    agent,
    agentLog = '',
    run;
  let t = Date.now();
  const cpu = async (server, value) => {
    t = Math.max(t + 1000, Date.now());
    await call('POST', '/metrics/ingest', [{ server: server.id, metric: 'cpu_pct', value, ts: t }]);
  };
  // what `npm start` does every minute, asked now rather than waited for
  const cron = () => page.request.get(url(`/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}`));
  const runOf = async () => (await call('GET', `/remediation/runs?alert_id=${run.alert_id}`))[0];

  await step('sign in; a lab site with two libvirt hosts, the VM "test", and the site agent connected', async () => {
    call = await signInAdmin(page, origin, expect);
    dc = await call('POST', '/datacenters', { name: 'DC-REM', location: 'Lab', tier: 'Tier 3' });
    const rack = await call('POST', '/racks', {
      name: 'R-REM',
      datacenter_id: dc.id,
      u_capacity: 42,
      power_capacity_kw: 10,
    });
    const host = (n, u) =>
      call('POST', '/servers', {
        name: n,
        rack_id: rack.id,
        serial_number: `SN-${n}`,
        u_position: u,
        cpu_cores: 16,
        ram_gb: 64,
      });
    [a, b] = [await host('rem-hv-a', 1), await host('rem-hv-b', 3)];
    for (const h of [a, b])
      await call('PUT', `/servers/${h.id}/overcommit`, { cpu_ratio: 4, ram_ratio: 1, disk_ratio: 1 });
    testVm = await call('POST', '/vms', {
      name: 'test',
      host_server_id: a.id,
      cpu_cores: 2,
      ram_gb: 2,
      status: 'running',
    });
    rule = await call('POST', '/alert-rules', {
      name: 'Hypervisor CPU hot',
      metric: 'cpu_pct',
      threshold: 90,
      clear_threshold: 70,
      severity: 'warning',
      scope_type: 'datacenter',
      scope_value: String(dc.id),
      message: '{{device}} CPU at {{value}} %',
    });
    const agentToken = (await call('POST', '/tokens', { name: 'lab agent', scopes: ['agent'], site_id: dc.id })).token;
    const dir = mkdtempSync(join(tmpdir(), 'dcp-rem-agent-'));
    writeFileSync(join(dir, 'empty-node.xml'), '<node/>');
    agent = spawn(
      process.execPath,
      [
        'agent/main.ts',
        '--url',
        origin,
        '--journal',
        join(dir, 'journal.jsonl'),
        '--libvirt',
        'rem-hv-a=test:///default',
        '--libvirt',
        `rem-hv-b=test://${join(dir, 'empty-node.xml')}`,
        '--observe-every',
        '2',
      ],
      { env: { ...process.env, DCP_AGENT_TOKEN: agentToken }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    process.once('exit', () => agent.kill('SIGTERM'));
    agent.stdout.on('data', (d) => (agentLog += d));
    agent.stderr.on('data', (d) => (agentLog += d));
    const connected = async () => (await call('GET', `/sites/${dc.id}/agent`)).hostname;
    for (let i = 0; i < 60 && !(await connected()); i++) await page.waitForTimeout(250);
    expect(await connected(), `agent did not connect:\n${agentLog}`);
  });

  await step(
    'an empty remediation page, then a playbook through its form: a blast radius of 0 is refused inline',
    async () => {
      await page.goto(url('/remediation'));
      await page.locator('[data-testid=kill-switch] >> text=Kill switch: off').waitFor();
      await page.locator('[data-testid=approvals-table] >> text=Nothing waits for approval').waitFor();
      await page.click('[data-testid=tab-playbooks]');
      // the shipped workload-balancing playbooks, in dry run
      const shipped = page.locator('[data-testid=playbooks-table] tbody tr', { hasText: 'Rebalance a CPU-hot host' });
      await shipped.waitFor();
      expect((await shipped.innerText()).includes('Dry run'), await shipped.innerText());
      await shot('remediation-empty', false);
      await page.click('[data-testid=new-playbook]');
      await page.waitForURL((u) => u.pathname === '/remediation/playbooks/new');
      await page.locator('[data-testid=playbook-form]').waitFor();
      await page.fill('#f-name', 'Cool a hot hypervisor');
      await page.selectOption('#f-trigger_rule_id', String(rule.id));
      await page.selectOption('#f-datacenter_id', String(dc.id));
      await page.selectOption('#f-mode', 'approval');
      await page.fill('#f-max_per_hour', '0');
      await page.click('[data-testid=form-submit]');
      const err = page.locator('[data-testid=field-error-max_per_hour]');
      await err.waitFor();
      expect(/at least 1|between 1/i.test(await err.innerText()), `inline error: ${await err.innerText()}`);
      await shot('remediation-playbook-refused');
      await page.fill('#f-max_per_hour', '4');
      await page.click('[data-testid=form-submit]');
      await page.waitForURL((u) => /^\/remediation\/playbooks\/\d+$/.test(u.pathname));
      await page.locator('[data-testid=playbook-runs] >> text=No alert of its rule has fired').waitFor();
    },
  );

  await step(
    'a fault: the host runs hot, the alert fires, and the playbook proposes a migration for approval',
    async () => {
      await cpu(a, 97);
      for (let i = 0; i < 40; i++) {
        await cron();
        const runs = await call('GET', `/remediation/runs?server_id=${a.id}`);
        if (runs.length) {
          run = runs[0];
          break;
        }
        await page.waitForTimeout(500);
      }
      expect(run?.status === 'awaiting_approval', `run: ${JSON.stringify(run)}`);
      await page.goto(url('/remediation'));
      const row = page.locator('[data-testid=approvals-table] tbody tr', {
        hasText: 'Migrate test: rem-hv-a → rem-hv-b',
      });
      await row.waitFor();
      const text = await row.innerText();
      expect(text.includes('Cool a hot hypervisor') && text.includes('the playbook asks for approval'), text);
      await page.locator('[data-testid=tab-approvals] >> text=1').waitFor();
      await shot('remediation-approvals');
    },
  );

  await step(
    'the operator approves; the agent migrates the VM on libvirt; the run verifies once the host cools',
    async () => {
      await page.click(`[data-testid=run-approve-${run.id}]`);
      await page.locator('[data-testid=approvals-table] >> text=Nothing waits for approval').waitFor();
      for (let i = 0; i < 80 && (await call('GET', `/vms/${testVm.id}`)).host_server_id !== b.id; i++)
        await page.waitForTimeout(250);
      const moved = await call('GET', `/vms/${testVm.id}`);
      expect(moved.host_server_id === b.id, `VM: ${JSON.stringify(moved)}\nagent:\n${agentLog.slice(-2000)}`);
      await cron();
      expect((await runOf()).status === 'verifying', `run: ${JSON.stringify(await runOf())}`);
      await page.goto(url(`/remediation/runs/${run.id}`));
      await page.locator('[data-testid=run-status] >> text=Verifying').waitFor();
      await shot('remediation-run-verifying');
      await cpu(a, 35);
      for (let i = 0; i < 20 && (await runOf()).status !== 'succeeded'; i++) {
        await cron();
        await page.waitForTimeout(300);
      }
      expect((await runOf()).status === 'succeeded', `run: ${JSON.stringify(await runOf())}`);
      await page.locator('[data-testid=run-status] >> text=Succeeded').waitFor({ timeout: 10_000 });
      const steps = await page.locator('[data-testid=run-steps]').innerText();
      expect(/Approved by admin/.test(steps) && /Ended: Succeeded/.test(steps), steps);
      const proposal = await page.locator('[data-testid=run-proposal]').innerText();
      expect(proposal.includes('rem-hv-a') && proposal.includes('rem-hv-b'), proposal);
      await shot('remediation-run-succeeded');
      await page.goto(url('/remediation?tab=history'));
      await page.locator('[data-testid=runs-table] tbody tr', { hasText: 'Succeeded' }).first().waitFor();
      await shot('remediation-history');
    },
  );

  await step('the kill switch: on from the page, a new fault is held back by it, then off', async () => {
    await page.goto(url('/remediation'));
    await page.click('[data-testid=kill-switch-toggle]');
    await page.fill('[data-testid=kill-switch-note]', 'change freeze');
    await page.click('[data-testid=kill-switch-confirm]');
    await page.locator('[data-testid=kill-switch] >> text=Kill switch: ON').waitFor();
    await shot('remediation-kill-switch', false);
    // the VM is on B now: B runs hot
    await cpu(b, 98);
    let held;
    for (let i = 0; i < 40 && !held; i++) {
      await cron();
      held = (await call('GET', `/remediation/runs?server_id=${b.id}`))[0];
      if (!held) await page.waitForTimeout(500);
    }
    expect(held?.status === 'skipped' && held.reason === 'the kill switch is on', `run: ${JSON.stringify(held)}`);
    const audit = await call('GET', '/audit/logs?action=remediation_kill_switch_on');
    expect(audit.length >= 1, `audit: ${JSON.stringify(audit).slice(0, 300)}`);
    await page.click('[data-testid=kill-switch-toggle]');
    await page.click('[data-testid=kill-switch-confirm]');
    await page.locator('[data-testid=kill-switch] >> text=Kill switch: off').waitFor();
    agent.kill('SIGTERM');
    log('agent stopped');
  });
});

// Browser test: containers. A Docker workload driven by the real site agent (agent/main.ts) through its Docker
// Engine API driver. No container can run on these machines, so the engine is the recorded Engine API fake
// (agent/test/docker-engine-server.ts, the API reference's responses; new containers pass their healthcheck after
// a few polls, images tagged `broken` never do). From the UI: a rolling update watched live batch by batch,
// paused (no batch starts while paused) and resumed; a broken image rolled back automatically; a scale.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminApiToken, browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

await browserSuite('containers', { port: 8970 }, async ({ page, origin, step }) => {
  const url = (p) => `${origin}${p}`;
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  let token;
  const call = async (method, path, data) => {
    const r = await page.request.fetch(url(`/api${path}`), {
      method,
      headers: { authorization: `Bearer ${token}` },
      ...(data ? { data } : {}),
    });
    expect(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
  const until = async (what, ok, ms = 30_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await ok();
      if (v) return v;
      expect(Date.now() < deadline, `${what}: not within ${ms / 1000} s\nagent:\n${agentLog.slice(-2500)}`);
      await page.waitForTimeout(250);
    }
  };
  let engine;
  let agent;
  let agentLog = '';
  let workload;

  try {
    await step('sign in; a Docker host with a workload, its site agent connected through the Engine API', async () => {
      await page.goto(url('/login'));
      await page.fill('#username', 'admin');
      await page.fill('#password', 'admin123');
      await page.click('button[type=submit]');
      await page.waitForURL((u) => u.pathname === '/');
      token = await adminApiToken(page, origin);
      const dc = await call('POST', '/datacenters', { name: 'DC-CONTAINERS', location: 'Lab', tier: 'Tier 3' });
      const cluster = await call('POST', '/clusters', {
        name: 'lab-docker',
        kind: 'docker',
        datacenter_id: dc.id,
        endpoint: 'recorded Docker Engine API',
      });
      workload = await call('POST', '/containers', {
        cluster_id: cluster.id,
        namespace: 'shop',
        name: 'web',
        image: 'nginx:1.25',
        replicas_desired: 3,
        probes: [{ type: 'readiness', handler: 'http', path: '/healthz', port: 80 }],
      });
      engine = spawn(
        process.execPath,
        [
          'agent/test/docker-engine-server.ts',
          '--port',
          '0',
          '--workload',
          'shop/web=nginx:1.25x3',
          '--health-polls',
          '3',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const engineUrl = await new Promise((resolve, reject) => {
        let buf = '';
        engine.stdout.on('data', (d) => {
          buf += d;
          const m = /\{"url":"([^"]+)"\}/.exec(buf);
          if (m) resolve(m[1]);
        });
        engine.once('exit', (code) => reject(new Error(`docker engine fake exited with ${code}: ${buf}`)));
      });
      const agentToken = (await call('POST', '/tokens', { name: 'lab agent', scopes: ['agent'], site_id: dc.id }))
        .token;
      const dir = mkdtempSync(join(tmpdir(), 'dcp-agent-'));
      agent = spawn(
        process.execPath,
        [
          'agent/main.ts',
          '--url',
          origin,
          '--journal',
          join(dir, 'journal.jsonl'),
          '--docker',
          `lab-docker=${engineUrl}`,
          '--observe-every',
          '2',
        ],
        { env: { ...process.env, DCP_AGENT_TOKEN: agentToken }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      agent.stdout.on('data', (d) => (agentLog += d));
      agent.stderr.on('data', (d) => (agentLog += d));
      await until('the agent connects', async () => (await call('GET', `/sites/${dc.id}/agent`)).hostname);
      await until(
        'the agent observes the workload',
        async () => (await call('GET', `/containers/${workload.id}`)).replicas_ready === 3,
      );
      log(`agent connected; engine at ${engineUrl}`);
    });

    await step('the Containers page lists the cluster and the workload, observed healthy', async () => {
      await page.click('nav >> text=Containers');
      await page.waitForURL((u) => u.pathname === '/containers');
      await page.locator('text=lab-docker').first().waitFor();
      await page.locator('a:has-text("web")').first().waitFor();
      await shot('containers-list');
      // Docker's HEALTHCHECK, as the agent reports it, is the declared readiness probe's last result
      await until(
        'the readiness probe result arrives',
        async () =>
          (await call('GET', `/containers/${workload.id}`)).probes.find((p) => p.type === 'readiness')?.last_result ===
          'success',
      );
    });

    await step('a rolling update from the UI: batch by batch, paused (nothing moves), resumed, done', async () => {
      await page.goto(url(`/containers/${workload.id}`));
      await page.getByLabel('Image', { exact: false }).last().fill('nginx:1.27');
      await page.getByRole('button', { name: 'Roll out' }).click();
      const progress = page.getByRole('region', { name: 'Rolling update progress' });
      await progress.waitFor();
      const op = await until('the rollout is running', async () =>
        (await call('GET', `/workload-operations?workload_id=${workload.id}&kind=workload.set_image`)).find(
          (o) => o.status === 'running' && o.steps.some((s) => s.step === 'batch'),
        ),
      );
      await page.getByRole('button', { name: 'Pause' }).click();
      await until('the agent confirms the pause', async () =>
        (await call('GET', `/workload-operations/${op.id}`)).steps.some((s) => s.step === 'paused'),
      );
      await progress.locator('text=/paused/i').first().waitFor();
      const before = (await call('GET', `/workload-operations/${op.id}`)).steps.filter(
        (s) => s.step === 'batch',
      ).length;
      await page.waitForTimeout(4000);
      const held = await call('GET', `/workload-operations/${op.id}`);
      const after = held.steps.filter((s) => s.step === 'batch').length;
      // a batch under way when the pause came may finish; no new one starts
      expect(
        !held.steps.slice(held.steps.findIndex((s) => s.step === 'paused')).some((s) => s.detail?.phase === 'starting'),
        `a batch started while paused: ${JSON.stringify(held.steps)}`,
      );
      log(`paused: ${before} → ${after} batch steps in 4 s, status ${held.status}`);
      await shot('containers-rollout-paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await until(
        'the rollout succeeds',
        async () => (await call('GET', `/workload-operations/${op.id}`)).status === 'succeeded',
        60_000,
      );
      await progress.locator('text=/succeeded/i').first().waitFor({ timeout: 15_000 });
      const w = await call('GET', `/containers/${workload.id}`);
      expect(w.image === 'nginx:1.27', `image after rollout: ${w.image}`);
      const steps = (await call('GET', `/workload-operations/${op.id}`)).steps.map((s) => s.step);
      expect(steps.includes('paused') && steps.includes('resumed'), `steps: ${steps}`);
      await shot('containers-rollout-done');
    });

    await step('a broken image fails its readiness and is rolled back automatically', async () => {
      await page.getByLabel('Image', { exact: false }).last().fill('nginx:broken');
      await page.getByRole('button', { name: 'Roll out' }).click();
      const op = await until(
        'the broken rollout ends',
        async () =>
          (await call('GET', `/workload-operations?workload_id=${workload.id}&kind=workload.set_image`)).find(
            (o) => o.params.image === 'nginx:broken' && ['failed', 'succeeded'].includes(o.status),
          ),
        120_000,
      );
      expect(
        op.status === 'failed' && op.steps.some((s) => s.step === 'rollback'),
        `broken rollout: ${JSON.stringify(op)}`,
      );
      expect((await call('GET', `/containers/${workload.id}`)).image === 'nginx:1.27', 'the image stays nginx:1.27');
      await page
        .getByRole('region', { name: 'Rolling update progress' })
        .locator('text=/roll(ed)? ?back/i')
        .first()
        .waitFor({ timeout: 15_000 });
      await shot('containers-rollout-rolled-back');
    });

    await step('scale from the UI', async () => {
      await page.getByLabel('Replicas', { exact: false }).last().fill('4');
      await page.getByRole('button', { name: 'Scale' }).click();
      await until(
        'the scale succeeds',
        async () => (await call('GET', `/containers/${workload.id}`)).replicas_desired === 4,
      );
      await until(
        'the agent observes 4 ready',
        async () => (await call('GET', `/containers/${workload.id}`)).replicas_ready === 4,
        30_000,
      );
    });
    await step(
      'autoscaling from the UI: a crossed threshold is refused inline; the cron records its decision',
      async () => {
        await page.getByRole('button', { name: 'Set up' }).click();
        await page.fill('#as-scale_out_above', '20');
        await page.fill('#as-scale_in_below', '60');
        await page.getByRole('button', { name: 'Save autoscaling' }).click();
        await page.locator('[data-testid=field-error-scale_in_below]').waitFor();
        await page.fill('#as-scale_out_above', '75');
        await page.fill('#as-scale_in_below', '25');
        await page.fill('#as-max_replicas', '6');
        await page.getByRole('button', { name: 'Save autoscaling' }).click();
        await page.locator('[data-testid=autoscale-rule]').waitFor();
        // the minute's Cron Trigger, as wrangler dev exposes it: the cluster has no node reporting cpu_pct yet
        const cron = await page.request.get(url('/cdn-cgi/handler/scheduled?cron=*+*+*+*+*'));
        expect(cron.ok(), `scheduled: ${cron.status()}`);
        const [d] = await until('a decision is recorded', async () =>
          (await call('GET', `/autoscale-decisions?workload_id=${workload.id}`)).length
            ? await call('GET', `/autoscale-decisions?workload_id=${workload.id}`)
            : null,
        );
        expect(d.action === 'hold' && /no cpu_pct samples/.test(d.reason), `decision: ${JSON.stringify(d)}`);
        await page.reload();
        await page.locator('[aria-label="Autoscaling decisions"] >> text=no cpu_pct samples').waitFor();
        await shot('containers-autoscaling');
      },
    );
  } finally {
    agent?.kill('SIGTERM');
    engine?.kill('SIGTERM');
  }
});

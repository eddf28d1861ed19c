// Browser test: alert rules and alerts (see e2e/lib/harness.mjs for the server, the browser and the step runner).
// A rule is written in the rule editor (a bad clear threshold is refused next to its field first); samples pushed
// through the public ingest API make the rack object raise alerts; the Alerts page shows them without a reload;
// an operator acknowledges one and resolves another with a note, from the page.
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { adminApiToken, browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

await browserSuite('alerts', { port: 8930 }, async ({ page, origin, step }) => {
  const url = (p) => `${origin}${p}`;
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  let admin;
  let ingest;
  let servers = [];
  const metric = 'e2e_chip_temp_c';
  const ruleName = 'E2E chip hot';

  const api = async (method, path, data, token = admin) => {
    const res = await page.request.fetch(url(`/api${path}`), {
      method,
      headers: { authorization: `Bearer ${token}` },
      ...(data !== undefined ? { data } : {}),
    });
    const body = await res.text();
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${body.slice(0, 500)}`);
    return body ? JSON.parse(body) : undefined;
  };
  const heat = (server, values) =>
    api(
      'POST',
      '/metrics/ingest',
      values.map((value, i) => ({ server: server.id, metric, value, ts: Date.now() - (values.length - i) * 10_000 })),
      ingest,
    );
  const rows = () => page.locator('[data-testid=alerts-table] tbody tr');

  await step('sign in as admin, seed the demo estate, make an ingest token', async () => {
    await page.goto(url('/login'));
    await page.fill('#username', 'admin');
    await page.fill('#password', 'admin123');
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/');
    admin = await adminApiToken(page, origin);
    await api('POST', '/demo/seed', {});
    ingest = (await api('POST', '/tokens', { name: 'e2e alerts', scopes: ['ingest'] })).token;
    servers = (await api('GET', '/servers?status=active&limit=2&sort=name')).slice(0, 2);
    expect(servers.length === 2, 'two active servers');
  });

  await step('the rule editor refuses a clear threshold on the wrong side, next to the field', async () => {
    await page.click('.sidebar a[href="/alerts/rules"]');
    await page.waitForURL((u) => u.pathname === '/alerts/rules');
    await page.locator('[data-testid=alert-rules-table] tbody tr').first().waitFor();
    const builtins = await page.locator('[data-testid=alert-rules-table] tbody tr').count();
    expect(builtins >= 8, `${builtins} rules listed (the shipped defaults)`);
    await shot('alert-rules');
    await page.click('a[href="/alerts/rules/new"]');
    await page.waitForURL((u) => u.pathname === '/alerts/rules/new');
    await page.fill('#f-name', ruleName);
    await page.selectOption('#f-severity', 'critical');
    await page.fill('#f-metric', metric);
    await page.fill('#f-threshold', '80');
    await page.fill('#f-clear_threshold', '85');
    await page.fill('#f-message', '{{device}} chip {{value}} °C > {{threshold}} °C');
    await page.click('[data-testid=form-submit]');
    const err = page.locator('[data-testid=field-error-clear_threshold]');
    await err.waitFor();
    expect((await err.innerText()).includes('at or below'), `error: ${await err.innerText()}`);
    await shot('alert-rule-error');
    await page.fill('#f-clear_threshold', '75');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => u.pathname === '/alerts/rules');
    await page.locator(`[data-testid=alert-rules-table] a:text("${ruleName}")`).waitFor();
  });

  await step('samples over the threshold raise an alert; the Alerts page lists it', async () => {
    await heat(servers[0], [70, 84, 86]);
    await page.click('.sidebar a[href="/alerts"]');
    await page.waitForURL((u) => u.pathname === '/alerts');
    // (the first rows on screen may still be the loading skeleton)
    const row = rows().filter({ hasText: servers[0].name }).first();
    await row.waitFor();
    const text = await row.innerText();
    // the value that made it fire (84: the first sample over 80); later samples only refresh "last seen"
    expect(text.includes(servers[0].name) && text.includes('84'), `first row: ${text}`);
    expect(text.includes('Critical') && text.includes('Firing'), `severity and state: ${text}`);
    // the sidebar counts firing alerts beside "Alerts"
    await page.waitForFunction(() => document.querySelector('[data-testid=alert-count]')?.textContent?.trim() === '1');
  });

  await step('a new alert appears without a reload', async () => {
    const before = await rows().count();
    await heat(servers[1], [90]);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=alerts-table] tbody tr').length > n,
      before,
      { timeout: 20_000 },
    );
    expect((await rows().first().innerText()).includes(servers[1].name), 'the newest alert comes first');
    await shot('alerts');
  });

  await step('acknowledge one from the page', async () => {
    const [alert] = await api('GET', `/alerts?server_id=${servers[1].id}&resolved=false`);
    await page.click(`[data-testid=ack-${alert.id}]`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid=ack-${id}]`) === null, alert.id, {
      timeout: 10_000,
    });
    const row = rows().filter({ hasText: servers[1].name });
    await row.filter({ hasText: 'Acknowledged' }).first().waitFor();
    expect((await row.first().innerText()).includes('by admin'), 'acknowledged by admin');
    expect((await api('GET', `/alerts/${alert.id}`)).status === 'acknowledged', 'stored as acknowledged');
  });

  await step('resolve the other with a note', async () => {
    const [alert] = await api('GET', `/alerts?server_id=${servers[0].id}&resolved=false`);
    await page.click(`[data-testid=resolve-${alert.id}]`);
    await page.fill('[data-testid=resolve-note]', 'airflow restored');
    await shot('alert-resolve');
    await page.click('[data-testid=resolve-confirm]');
    await page.waitForFunction((id) => document.querySelector(`[data-testid=resolve-${id}]`) === null, alert.id, {
      timeout: 10_000,
    });
    const stored = await api('GET', `/alerts/${alert.id}`);
    expect(stored.status === 'resolved' && stored.resolution_note === 'airflow restored', JSON.stringify(stored));
    log(`history: ${stored.events.map((e) => e.type).join(' → ')}`);
  });

  await step('the open filter hides resolved alerts', async () => {
    await page.selectOption('[data-testid=alerts-table] select[aria-label=Show]', 'false');
    await page.waitForURL((u) => u.searchParams.get('resolved') === 'false');
    await page.waitForFunction(
      (name) =>
        ![...document.querySelectorAll('[data-testid=alerts-table] tbody tr')].some(
          (r) => r.textContent?.includes(name) && r.textContent?.includes('Resolved'),
        ),
      servers[0].name,
      { timeout: 10_000 },
    );
  });

  // a receiver on this machine, as an operator's webhook endpoint would be: it checks the signature
  const SECRET = 'e2e-signing-secret-0123456789';
  const received = [];
  const receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const ts = req.headers['x-dcp-timestamp'];
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${raw}`).digest('hex')}`;
      received.push({ body: JSON.parse(raw), verified: req.headers['x-dcp-signature'] === expected });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/dc-platform`;

  await step('create a signed webhook channel from the form and send it a test', async () => {
    await page.click('.sidebar a[href="/alerts/notifications"]');
    await page.waitForURL((u) => u.pathname === '/alerts/notifications');
    await page.locator('[data-testid=channels-table]').waitFor();
    await shot('notifications-empty');
    await page.click('a[href="/alerts/channels/new"]');
    await page.fill('#f-name', 'E2E NOC webhook');
    await page.fill('#f-url', hookUrl);
    await page.fill('#f-secret', 'too-short');
    await page.click('[data-testid=form-submit]');
    await page.locator('[data-testid=field-error-secret]').waitFor();
    await page.fill('#f-secret', SECRET);
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => u.pathname === '/alerts/notifications');
    const row = page.locator('[data-testid=channels-table] tbody tr').filter({ hasText: 'E2E NOC webhook' });
    await row.waitFor();
    await row.locator('button:has-text("Send test")').click();
    await row.filter({ hasText: 'Delivered' }).waitFor({ timeout: 10_000 });
    expect(received.length === 1 && received[0].verified, `signed test received: ${JSON.stringify(received)}`);
    expect(received[0].body.status === 'test', 'a test notification');
  });

  await step(
    'create an escalation policy from the form; a new alert reaches the webhook, logged with its delivery',
    async () => {
      await page.click('a[href="/alerts/policies/new"]');
      await page.fill('#p-name', 'E2E critical');
      await page.locator('.chip:has-text("Critical")').click();
      await page.fill('#p-wait', '1');
      await page.locator('[data-testid=level-1] .chip:has-text("E2E NOC webhook")').click();
      await page.click('[data-testid=add-level]');
      await page.fill('#p-after-1', '0');
      await page.click('[data-testid=form-submit]');
      // level 2 at 0 min is not after level 1, and names nowhere to send: refused next to its fields
      await page.locator('[data-testid="field-error-levels[1].channel_ids"]').waitFor();
      await shot('policy-error');
      await page.click('[aria-label="Remove level 2"]');
      await page.click('[data-testid=form-submit]');
      await page.waitForURL((u) => u.pathname === '/alerts/notifications');
      await page.locator('[data-testid=policies-table] tbody tr', { hasText: 'E2E critical' }).waitFor();

      received.length = 0;
      // it was resolved by hand: below the clear threshold, then over again, stamped after every earlier sample
      // (heat() stamps back from now, which on a slow machine can fall behind the first step's samples)
      const t = Date.now();
      await api(
        'POST',
        '/metrics/ingest',
        [
          { server: servers[0].id, metric, value: 50, ts: t - 1000 },
          { server: servers[0].id, metric, value: 95, ts: t },
        ],
        ingest,
      );
      const deadline = Date.now() + 20_000;
      while (!received.some((r) => r.body.status === 'firing') && Date.now() < deadline) await page.waitForTimeout(200);
      const firing = received.find((r) => r.body.status === 'firing');
      expect(firing?.verified, `signed notification: ${JSON.stringify(received).slice(0, 400)}`);
      expect(
        firing.body.alerts.some((a) => a.server_id === servers[0].id),
        'about the hot server',
      );
      const log = page.locator('[data-testid=notifications-table] tbody tr').filter({ hasText: 'Firing' }).first();
      await log.waitFor({ timeout: 15_000 });
      await log.click();
      await page.locator('[data-testid^=deliveries-] td:has-text("E2E NOC webhook")').waitFor();
      await shot('notifications');
      receiver.close();
    },
  );

  await step(
    'schedule maintenance from the form; approve it; the calendar shows it and an overlap is flagged',
    async () => {
      await page.click('.sidebar a[href="/maintenance"]');
      await page.waitForURL((u) => u.pathname === '/maintenance');
      await page.locator('[data-testid=maintenance-calendar]').waitFor();
      await page.click('a[href="/maintenance/new"]');
      await page.locator('[data-testid=maintenance-form]').waitFor();
      await page.fill('#f-title', 'E2E swap PSU');
      await page.selectOption('#f-target_type', 'server');
      await page.selectOption('#f-target_id', String(servers[1].id));
      const local = (ms) => {
        const d = new Date(ms);
        const p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
      };
      const start = Date.now() + 3_600_000;
      await page.fill('#f-starts_at', local(start));
      await page.fill('#f-ends_at', local(start - 600_000));
      await page.click('[data-testid=form-submit]');
      // ends before it starts: refused next to the field
      await page.locator('[data-testid=field-error-ends_at]').waitFor();
      await page.fill('#f-ends_at', local(start + 2 * 3_600_000));
      await page.click('[data-testid=form-submit]');
      await page.waitForURL((u) => u.pathname === '/maintenance');
      const row = page.locator('[data-testid=maintenance-table] tbody tr').filter({ hasText: 'E2E swap PSU' });
      await row.waitFor();
      await row.locator('button:has-text("Approve")').click();
      await row.filter({ hasText: 'by admin' }).waitFor();
      // a second window on the same server at the same time is flagged on both
      await api('POST', '/maintenance', {
        title: 'E2E firmware',
        target_type: 'server',
        target_id: servers[1].id,
        starts_at: new Date(start + 1_800_000).toISOString(),
        ends_at: new Date(start + 3 * 3_600_000).toISOString(),
      });
      await page.reload();
      await row.locator('[data-testid^=overlap-]').waitFor();
      await page.locator('[data-testid=maintenance-calendar] a:has-text("E2E swap PSU")').first().waitFor();
      await shot('maintenance');
    },
  );

  await step('create an on-call rotation from its form; the page says who is on call now', async () => {
    await page.goto(url('/alerts/schedules'));
    await page.click('a[href="/alerts/schedules/new"]');
    await page.locator('[data-testid=schedule-form]').waitFor();
    await page.fill('#s-name', 'E2E NOC rotation');
    await page.fill('#s-tz', 'Europe/Paris');
    await page.fill('#s-handoff', '2026-01-05T09:00');
    await page.fill('#s-people', 'Ada Lovelace <ada@example.com>\nGrace Hopper <not-an-address>');
    await page.click('[data-testid=form-submit]');
    const err = page.locator('[data-testid=field-error-participants]');
    await err.waitFor();
    expect((await err.innerText()).includes('line 2'), `names the line: ${await err.innerText()}`);
    await page.fill('#s-people', 'Ada Lovelace <ada@example.com>\nGrace Hopper <grace@example.com>');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => u.pathname === '/alerts/schedules');
    const now = page.locator('[data-testid^=oncall-now-]').first();
    await now.waitFor();
    const who = await now.innerText();
    expect(/On call now: (Ada Lovelace|Grace Hopper)/.test(who), who);
    await shot('oncall');
  });
});

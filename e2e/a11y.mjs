// Accessibility audit: every page of the app, in the light and the dark theme and at a phone's width (390 px),
// checked with axe-core. Fails on any `serious` or `critical` violation and prints each one (rule, impact,
// the elements it names). Screenshots of each page at 390 px go to e2e/screenshots/a11y-*.png.
import { createRequire } from 'node:module';
import { browserSuite } from './lib/harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const VARIANTS = [
  { name: 'light', theme: 'light', width: 1280, height: 900 },
  { name: 'dark', theme: 'dark', width: 1280, height: 900 },
  { name: 'phone', theme: 'light', width: 390, height: 844 },
];

browserSuite('a11y', { port: 8850 }, async ({ page, origin, step, shot, log, expect }) => {
  const url = (p) => `${origin}${p}`;
  // the UI's CSP pins its inline scripts by hash: let the audit inject axe-core without weakening the policy
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setBypassCSP', { enabled: true });
  let token;
  const api = async (method, path, data) => {
    const r = await page.request.fetch(url(`/api${path}`), {
      method,
      headers: { authorization: `Bearer ${token}` },
      data,
    });
    expect(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };

  /** the page has settled: no skeleton, no busy card, the boot shell gone */
  async function settled() {
    await page
      .waitForFunction(
        () =>
          !document.getElementById('boot-shell') &&
          !document.querySelector('.skeleton, [aria-busy=true]') &&
          document.querySelector('main, form, h1'),
        null,
        { timeout: 10_000 },
      )
      .catch(() => log('  (still loading after 10 s: auditing what is there)'));
    await page.waitForTimeout(250);
  }

  async function audit(path, variant) {
    await page.setViewportSize({ width: variant.width, height: variant.height });
    await page.goto(url(path));
    await page.evaluate((t) => {
      localStorage.setItem('theme', t);
      document.documentElement.dataset.theme = t;
    }, variant.theme);
    await settled();
    await page.addScriptTag({ path: AXE });
    const run = () =>
      page.evaluate(async () => {
        // @ts-expect-error axe is the injected global
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 8).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`),
            count: v.nodes.length,
          }));
      });
    let violations = await run();
    // a list refreshing in the background (a live feed, a poll) dims its rows for a moment: judge the page once
    // it has settled again, so only lasting violations count
    if (violations.length) {
      await settled();
      await page
        .waitForFunction(() => !document.querySelector('.refreshing'), null, { timeout: 5_000 })
        .catch(() => {});
      await page.waitForTimeout(300);
      violations = await run();
    }
    if (variant.name === 'phone')
      await shot(`a11y-${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'dashboard'}`);
    const report = violations
      .map((v) => `${v.impact} ${v.id} (${v.count}): ${v.help}\n      ${v.nodes.join('\n      ')}`)
      .join('\n    ');
    // the harness prints a failure's first lines only: the whole report goes to the log
    if (violations.length) log(`  ${path} (${variant.name}):\n    ${report}`);
    expect(
      !violations.length,
      `${violations.length} serious/critical violation(s) on ${path}: ${violations.map((v) => v.id).join(', ')}`,
    );
  }

  const signedOut = ['/login', '/register'];
  for (const path of signedOut)
    for (const v of VARIANTS) await step(`${path} (${v.name}) has no serious violations`, () => audit(path, v));

  const pages = ['/404-does-not-exist'];
  await step('sign in as admin and seed the demo estate', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url('/login'));
    await page.fill('#username', 'admin');
    await page.fill('#password', 'admin123');
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/');
    const tok = await page.request.post(url('/api/token'), { form: { username: 'admin', password: 'admin123' } });
    token = (await tok.json()).access_token;
    await api('POST', '/demo/seed', {});
    const [dc] = await api('GET', '/datacenters?limit=1&sort=name');
    // a rack below Top Secret: Top Secret objects ask for a passkey step-up first
    const racks = await api('GET', `/racks?datacenter_id=${dc.id}&limit=100`);
    const rack = racks.find((r) => r.security_zone !== 'Top Secret' && r.server_count > 0);
    const [server] = await api('GET', `/servers?rack_id=${rack.id}&limit=1`);
    const [rule] = await api('GET', '/alert-rules?limit=1&sort=name');
    const channel = await api('POST', '/notification-channels', {
      name: 'a11y webhook',
      kind: 'webhook',
      url: 'https://hooks.example.com/a11y',
      secret: 'a11y-secret-0123456789',
    });
    await api('POST', '/oncall-schedules', {
      name: 'a11y rotation',
      timezone: 'Europe/Paris',
      handoff: '2026-01-05T09:00',
      participants: [
        { name: 'Ada', email: 'ada@example.com' },
        { name: 'Bob', email: 'bob@example.com' },
      ],
      overrides: [
        {
          starts_at: new Date().toISOString(),
          ends_at: new Date(Date.now() + 86_400_000).toISOString(),
          name: 'Cy',
          email: 'cy@example.com',
        },
      ],
    });
    const incident = await api('POST', '/incidents', { title: 'a11y incident', severity: 'warning', note: 'checking' });
    const [vm] = await api('GET', '/vms?limit=1&sort=name&status=running');
    // an operation waiting for the site agent, so the VM page shows its banner and the log a queued row
    await api('POST', `/vms/${vm.id}/restart`, {});
    const [workload] = await api('GET', '/containers?limit=1&sort=name');
    const [pool] = await api('GET', '/vm-scaling-groups?limit=1&sort=name');
    // a rolling update waiting for the site agent: its progress view and the waiting banner
    await api('POST', `/containers/${workload.id}/rollout`, { image: 'nginx:1.27.3' });
    const policy = await api('POST', '/escalation-policies', {
      name: 'a11y policy',
      levels: [{ after_min: 0, channel_ids: [channel.id] }],
    });
    // the physical estate beyond servers
    const [array] = await api('GET', '/storage?limit=1&sort=name&storage_type=SAN');
    const [address] = await api('GET', '/ipam/ip-addresses?limit=1&sort=address_key');
    const [sw] = await api('GET', '/network/devices?limit=1&sort=name');
    const [pdu] = await api('GET', '/power/pdus?limit=1&sort=name');
    const [feed] = await api('GET', '/power/feeds?limit=1&sort=name');
    pages.unshift(
      '/',
      '/datacenters',
      `/datacenters/${dc.id}`,
      '/datacenters/new',
      `/datacenters/${dc.id}/edit`,
      '/racks',
      `/racks/${rack.id}`,
      '/racks/new',
      `/racks/${rack.id}/edit`,
      '/servers',
      `/servers/${server.id}`,
      '/servers/new',
      `/servers/${server.id}/edit`,
      '/monitoring',
      '/alerts',
      '/alerts/rules',
      '/alerts/rules/new',
      `/alerts/rules/${rule.id}`,
      '/alerts/notifications',
      '/alerts/channels/new',
      `/alerts/channels/${channel.id}`,
      '/alerts/policies/new',
      `/alerts/policies/${policy.id}`,
      '/maintenance',
      '/maintenance/new',
      '/incidents',
      '/alerts/schedules',
      '/alerts/schedules/new',
      `/incidents/${incident.id}`,
      '/vms',
      `/vms/${vm.id}`,
      '/vms/new',
      `/vms/${vm.id}/edit`,
      '/vms/operations',
      '/vms/scaling-groups',
      `/vms/scaling-groups/${pool.id}`,
      '/vms/scaling-groups/new',
      '/containers',
      `/containers/${workload.id}`,
      '/containers/new',
      `/containers/${workload.id}/edit`,
      `/containers/clusters/${workload.cluster_id}`,
      '/containers/clusters/new',
      '/storage',
      `/storage/${array.id}`,
      '/storage/new',
      `/storage/${array.id}/edit`,
      '/network',
      '/network?tab=cables',
      '/network?tab=topology',
      `/network/${sw.id}`,
      '/network/new',
      `/network/${sw.id}/edit`,
      '/power',
      `/power/pdus/${pdu.id}`,
      '/power/pdus/new',
      `/power/pdus/${pdu.id}/edit`,
      '/power/feeds/new',
      `/power/feeds/${feed.id}/edit`,
      '/capacity',
      '/ai/forecast',
      '/ai/risk',
      '/ai/anomalies',
      '/audit',
      '/compliance',
      '/security',
      '/security/vulnerabilities',
      '/ipam',
      '/ipam/prefixes/new',
      '/ipam/vlans/new',
      '/ipam/ip-addresses/new',
      `/ipam/ip-addresses/${address.id}`,
      '/cost',
      '/cost/budgets',
      '/cost/budgets/new',
      '/cost/tariffs',
      '/cost/tariffs/new',
      '/cost/contracts',
      '/cost/contracts/new',
      '/cost/tco',
      '/cost/recommendations',
      '/optimisation',
      '/efficiency',
      '/remediation',
      '/remediation?tab=history',
      '/remediation?tab=playbooks',
      '/remediation/playbooks/new',
      '/device-types',
      '/device-types/new',
      '/device-types/import',
      '/import',
      '/users',
    );
  });

  for (const v of VARIANTS)
    for (const path of pages) await step(`${path} (${v.name}) has no serious violations`, () => audit(path, v));
});

// VM placement in a browser, on the demo estate: the plan form refuses a headroom over 90 % inline, then works
// out a pack plan for a site; the plan's page shows what the API answers (hosts before → after, moves, freed
// power), the before/after chart and the moves; the plan is approved and its moves are queued as live
// migrations for the site agent (the agent carrying them out is tests/integration/placement-plans.test.ts).
// Screenshots: e2e/screenshots/placement-*.png.
import { browserSuite, signInAdmin } from './lib/harness.mjs';

browserSuite('placement', { port: 8884, env: { SEED: '1' } }, async ({ page, origin, step, shot, expect }) => {
  const url = (p) => `${origin}${p}`;
  let call;
  let dc;
  let planId;

  await step('sign in; the demo has a site with VM hosts', async () => {
    call = await signInAdmin(page, origin, expect);
    const dcs = await call('GET', '/datacenters?sort=name');
    for (const d of dcs) {
      const vms = await call('GET', `/vms?datacenter_id=${d.id}&limit=1`);
      if (vms.length) {
        dc = d;
        break;
      }
    }
    expect(dc, 'a datacenter with VMs');
  });

  await step('the plan form refuses a 95 % headroom inline', async () => {
    await page.click('nav >> text=VM placement');
    await page.waitForURL((u) => u.pathname === '/optimisation');
    await page.locator('[data-testid=plan-form]').waitFor();
    await page.selectOption('#f-datacenter_id', String(dc.id));
    await page.selectOption('#f-goal', 'pack');
    await page.fill('#f-headroom_pct', '95');
    await page.click('[data-testid=form-submit]');
    const err = page.locator('[data-testid=field-error-headroom_pct]');
    await err.waitFor();
    expect(/90/.test(await err.textContent()), `the error says the range: ${await err.textContent()}`);
    await shot('placement-form-invalid', false);
  });

  await step('a pack plan: the page shows the API’s numbers, the chart and the moves', async () => {
    await page.fill('#f-headroom_pct', '10');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => /^\/optimisation\/plans\/\d+$/.test(u.pathname));
    planId = Number(page.url().split('/').pop());
    const plan = await call('GET', `/optimisation/placement-plans/${planId}`);
    expect(plan.status === 'proposed' && plan.goal === 'pack', `proposed pack plan: ${plan.status}`);
    const hosts = (await page.locator('[data-testid=plan-hosts]').textContent()).replace(/\s+/g, ' ').trim();
    expect(
      hosts === `${plan.summary.hosts_used_before} → ${plan.summary.hosts_used_after}`,
      `hosts KPI ${hosts} vs API ${plan.summary.hosts_used_before} → ${plan.summary.hosts_used_after}`,
    );
    const moves = (await page.locator('[data-testid=plan-moves]').textContent()).trim();
    expect(Number(moves.replace(/,/g, '')) === plan.summary.moves, `moves KPI ${moves} vs ${plan.summary.moves}`);
    expect(plan.summary.hosts_used_after <= plan.summary.hosts_used_before, 'packing never uses more hosts');
    await page.locator('[data-testid=plan-bars] svg').first().waitFor();
    if (plan.moves.length) {
      const rows = await page.locator('[data-testid=plan-moves-table] tbody tr').count();
      expect(rows === plan.moves.length, `${rows} move rows for ${plan.moves.length} moves`);
    }
    await shot('placement-plan');
  });

  await step('approved, its moves are queued as live migrations', async () => {
    const plan = await call('GET', `/optimisation/placement-plans/${planId}`);
    if (!plan.moves.length) return;
    await page.click('[data-testid=plan-approve]');
    await page.locator('[data-testid=plan-status]', { hasText: 'Executing' }).waitFor();
    const after = await call('GET', `/optimisation/placement-plans/${planId}`);
    expect(after.status === 'executing', `executing: ${after.status}`);
    const queued = after.moves.filter((m) => m.status === 'queued');
    expect(queued.length > 0 && queued.every((m) => m.operation_id), 'the first wave is queued with its operations');
    const op = await call('GET', `/vm-operations/${queued[0].operation_id}`);
    expect(op.kind === 'vm.migrate' && op.params.target_host_id === queued[0].to_host_id, `op: ${JSON.stringify(op)}`);
    await shot('placement-plan-executing');
    await page.goto(url('/optimisation'));
    await page.locator('[data-testid=plans-table] tbody tr', { hasText: `#${planId}` }).waitFor();
    await shot('placement-plans', false);
  });
});

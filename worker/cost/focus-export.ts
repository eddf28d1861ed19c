import type { ServiceContext } from '../platform/context';
import { unprocessable } from '../platform/http/problem';
import { toCsv } from '../platform/http/csv';
import { allocateToVms } from './breakdown';
import { allocateToWorkloads } from './workloads';
import { loadEstate } from './estate';
import { costLines } from './model';
import { FOCUS_COLUMNS, focusRow } from './focus';

/** The billing period `month` (YYYY-MM, default this one) as FOCUS CSV: its charges up to now. */
export async function focusCsv(ctx: ServiceContext, month: string | undefined, now = Date.now()) {
  const d = new Date(now);
  const [y, m] = month ? month.split('-').map(Number) : [d.getUTCFullYear(), d.getUTCMonth() + 1];
  const billingPeriod = { from: Date.UTC(y, m - 1, 1), to: Date.UTC(y, m, 1) };
  if (billingPeriod.from >= now) throw unprocessable([{ field: 'query.month', message: 'must not be in the future' }]);
  const chargePeriod = { from: billingPeriod.from, to: Math.min(billingPeriod.to, now) };
  const e = await loadEstate(ctx, chargePeriod);
  const lines = allocateToWorkloads(e, allocateToVms(e, costLines(e).lines)).filter(
    (l) => l.amount !== 0 || (l.quantity ?? 0) !== 0,
  );
  const names = {
    datacenter: new Map(e.datacenters.map((x) => [x.id, x.name])),
    rack: new Map(e.racks.map((x) => [x.id, x.name])),
    server: new Map(e.devices.filter((x) => x.kind === 'server').map((x) => [x.id, x.name])),
    vm: new Map(e.vms.map((x) => [x.id, x.name])),
    workload: new Map((e.workloads ?? []).map((w) => [w.id, `${w.namespace}/${w.name}`])),
  };
  const vendors = new Map(e.contracts.map((c) => [c.id, (c as { vendor?: string | null }).vendor ?? null]));
  const rows = lines.map((l) => focusRow(l, { billingPeriod, chargePeriod, names, vendors }));
  return {
    csv: toCsv(Object.keys(FOCUS_COLUMNS), rows),
    filename: `focus-${y}-${String(m).padStart(2, '0')}.csv`,
    rows: rows.length,
  };
}

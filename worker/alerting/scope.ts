/** Where a device is, as far as a rule's scope asks (server_type only for servers the caller can type). */
export interface ScopeTarget {
  datacenter_id: number | null;
  rack_id: number | null;
  server_id: number | null;
  server_type?: string | null;
}

/** Does a rule scoped `scope_type` = `scope_value` apply to `t`? One reading for the rack objects and the cron. */
export function inScope(rule: { scope_type: string; scope_value: string | null }, t: ScopeTarget): boolean {
  switch (rule.scope_type) {
    case 'all':
      return true;
    case 'datacenter':
      return t.datacenter_id !== null && String(t.datacenter_id) === rule.scope_value;
    case 'rack':
      return t.rack_id !== null && String(t.rack_id) === rule.scope_value;
    case 'server':
      return t.server_id !== null && String(t.server_id) === rule.scope_value;
    case 'server_type':
      return t.server_id !== null && !!t.server_type && t.server_type === rule.scope_value;
    default:
      return false;
  }
}

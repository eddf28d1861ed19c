import { PERMISSIONS, type Permission } from './permissions';

export { ROLES, PERMISSIONS, type Role, type Permission } from './permissions';

export const can = (role: string, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly string[]).includes(role);

export const permissionsOf = (role: string): Permission[] =>
  (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));

/** Scopes of personal API tokens. A token never exceeds its owner's role: effective = role ∩ scope. */
export const TOKEN_SCOPES = ['read', 'write', 'ingest', 'admin', 'agent'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const SCOPE_PERMISSIONS: Record<TokenScope, readonly Permission[]> = {
  read: ['inventory:read', 'audit:read', 'alerts:read'],
  write: ['inventory:read', 'inventory:write', 'alerts:read', 'alerts:respond', 'alerts:configure'],
  // telemetry agents: push samples, nothing else (not even reads)
  ingest: ['metrics:ingest'],
  // a site agent: connect for its one site (the token's site_id), and push the metrics it collects
  agent: ['agents:connect', 'metrics:ingest'],
  admin: Object.keys(PERMISSIONS) as Permission[],
};

export const scopeAllows = (scopes: readonly string[], permission: Permission): boolean =>
  scopes.some((s) => (SCOPE_PERMISSIONS[s as TokenScope] ?? []).includes(permission));

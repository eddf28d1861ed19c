export const ROLES = ['admin', 'operator', 'viewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The permission matrix. Every route names one permission; tests/integration/role-matrix.test.ts walks every
 * registered route against every role.
 */
export const PERMISSIONS = {
  'inventory:read': ['admin', 'operator', 'viewer', 'auditor'],
  'inventory:write': ['admin', 'operator'],
  'audit:read': ['admin', 'auditor'],
  'audit:checkpoint': ['admin'],
  'users:manage': ['admin'],
  'demo:seed': ['admin'],
  'metrics:ingest': ['admin', 'operator'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export const can = (role: string, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly string[]).includes(role);

export const permissionsOf = (role: string): Permission[] =>
  (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));

/** Scopes of personal API tokens. A token never exceeds its owner's role: effective = role ∩ scope. */
export const TOKEN_SCOPES = ['read', 'write', 'ingest', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const SCOPE_PERMISSIONS: Record<TokenScope, readonly Permission[]> = {
  read: ['inventory:read', 'audit:read'],
  write: ['inventory:read', 'inventory:write'],
  // telemetry agents: push samples, nothing else (not even reads)
  ingest: ['metrics:ingest'],
  admin: Object.keys(PERMISSIONS) as Permission[],
};

export const scopeAllows = (scopes: readonly string[], permission: Permission): boolean =>
  scopes.some((s) => (SCOPE_PERMISSIONS[s as TokenScope] ?? []).includes(permission));

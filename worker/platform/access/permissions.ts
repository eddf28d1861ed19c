// Roles and the permission matrix: the one definition shared by the Worker (worker/platform/access/roles.ts), the UI and the
// tests. No imports, erasable TypeScript only.

export const ROLES = ['admin', 'operator', 'viewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Every route names one permission; tests/integration/role-matrix.test.ts walks every registered route against
 * every role.
 */
export const PERMISSIONS = {
  'inventory:read': ['admin', 'operator', 'viewer', 'auditor'],
  'inventory:write': ['admin', 'operator'],
  'audit:read': ['admin', 'auditor'],
  'audit:checkpoint': ['admin'],
  'users:manage': ['admin'],
  'demo:seed': ['admin'],
  'metrics:ingest': ['admin', 'operator'],
  'alerts:read': ['admin', 'operator', 'viewer', 'auditor'],
  'alerts:respond': ['admin', 'operator'],
  'alerts:configure': ['admin', 'operator'],
  'vms:operate': ['admin', 'operator'],
  'agents:connect': ['admin', 'operator'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

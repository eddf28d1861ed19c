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
  'users:manage': ['admin'],
  'demo:seed': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export const can = (role: string, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly string[]).includes(role);

export const permissionsOf = (role: string): Permission[] =>
  (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));

import * as v from 'valibot';
import { SECURITY_ZONES, oneOf, optionalText } from '../../schemas/common';

export const ROLE_NAMES = ['admin', 'operator', 'viewer', 'auditor'] as const;
export const PASSWORD_MIN = 12;

export const password = v.pipe(
  v.string('must be text'),
  v.minLength(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`),
  v.maxLength(256, 'must be at most 256 characters'),
  v.check((p) => new Set(p).size >= 4, 'is too repetitive; use more different characters'),
);

export const username = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(3, 'must be at least 3 characters'),
  v.maxLength(64, 'must be at most 64 characters'),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may hold letters, digits and . _ - only'),
);

export const Register = v.pipe(
  v.object({
    username,
    email: v.pipe(v.string('must be text'), v.trim(), v.email('must be a valid email address'), v.maxLength(254)),
    password,
    full_name: optionalText(120),
    role: v.optional(oneOf(ROLE_NAMES)),
  }),
  v.forward(
    v.check((u) => !u.password.toLowerCase().includes(u.username.toLowerCase()), 'must not contain the username'),
    ['password'],
  ),
);

/** An admin creating an account: a temporary password, or none for a generated one; either must be changed at first sign-in. */
export const UserCreate = v.pipe(
  v.object({
    username,
    email: v.pipe(v.string('must be text'), v.trim(), v.email('must be a valid email address'), v.maxLength(254)),
    full_name: optionalText(120),
    role: oneOf(ROLE_NAMES),
    clearance: v.optional(oneOf(SECURITY_ZONES)),
    password: v.optional(
      v.pipe(password, v.description('Temporary password; omit to have one generated and returned once')),
    ),
  }),
  v.forward(
    v.check((u) => !u.password?.toLowerCase().includes(u.username.toLowerCase()), 'must not contain the username'),
    ['password'],
  ),
);

export const TokenRequest = v.object({
  grant_type: v.optional(
    v.picklist(['password', 'refresh_token'], 'must be "password" (the default) or "refresh_token"'),
  ),
  username: v.optional(v.string('must be text')),
  password: v.optional(v.string('must be text')),
  refresh_token: v.optional(v.string('must be text')),
  scope: v.optional(v.string()),
});

export const SessionLogin = v.object({
  username: v.pipe(v.string('is required'), v.trim(), v.minLength(1, 'is required')),
  password: v.pipe(v.string('is required'), v.minLength(1, 'is required')),
});

export const UserUpdate = v.object({
  role: v.optional(oneOf(ROLE_NAMES)),
  disabled: v.optional(v.boolean('must be true or false')),
  full_name: optionalText(120),
  email: v.optional(v.pipe(v.string('must be text'), v.trim(), v.email('must be a valid email address'))),
  clearance: v.optional(oneOf(SECURITY_ZONES)),
  /** true grants the role the user asked for at registration; false declines it */
  approve_requested_role: v.optional(v.boolean('must be true or false')),
});

export const User = v.object({
  id: v.number(),
  username: v.string(),
  email: v.string(),
  full_name: v.nullable(v.string()),
  role: oneOf(ROLE_NAMES),
  requested_role: v.nullable(v.string()),
  clearance: oneOf(SECURITY_ZONES),
  disabled: v.boolean(),
  last_login_at: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});

export const UserCreated = v.object({
  ...User.entries,
  must_change_password: v.boolean(),
  temporary_password: v.optional(
    v.pipe(v.string(), v.description('Only when generated: the one time it is shown; hand it over securely')),
  ),
});

export const TokenResponse = v.object({
  access_token: v.string(),
  token_type: v.literal('bearer'),
  expires_in: v.number(),
  refresh_token: v.pipe(v.string(), v.description('Single use: exchange it with grant_type=refresh_token')),
});

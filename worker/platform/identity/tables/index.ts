export * from './users';
export * from './sessions';
export * from './passkeys';
export * from './mfa';

export * from './api';
export * from './auth';
export * from './db';
export * from './factories';
export * from './names';
export * from './webauthn';
export * from './telemetry';

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: [
    './worker/dcim/tables.ts',
    './worker/platform/identity/tables/sessions.ts',
    './worker/platform/identity/tables/passkeys.ts',
    './worker/platform/identity/tables/mfa.ts',
    './worker/telemetry/tables.ts',
  ],
  out: './migrations',
});

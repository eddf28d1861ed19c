import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: [
    './worker/db/schema.ts',
    './worker/db/auth-tables.ts',
    './worker/db/webauthn-tables.ts',
    './worker/db/mfa-tables.ts',
    './worker/db/telemetry-tables.ts',
  ],
  out: './migrations',
});

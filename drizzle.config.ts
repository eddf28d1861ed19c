import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // every domain's tables.ts (or tables/ folder), as listed in worker/domains.ts: tests/unit/domains.test.ts
  // fails when a tables file exists that the domain list does not carry
  schema: ['./worker/**/tables.ts', './worker/**/tables/!(index).ts'],
  out: './migrations',
});

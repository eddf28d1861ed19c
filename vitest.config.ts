import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// wrangler/miniflare need Node >= 22: run through `npm test` so node_modules/.bin/node (22) is on PATH
if (Number(process.versions.node.split('.')[0]) < 22) {
  throw new Error(`vitest is running on Node ${process.version}; use \`npm test\` (the node devDependency is 22)`);
}

export default defineConfig(async () => {
  // read drizzle-kit's SQL files in Node, hand them to the Workers runtime as a binding
  const migrations = await readD1Migrations('./migrations');
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        // fewer PBKDF2 rounds keep the suite fast; the production path is covered by tests/unit/passwords.test.ts
        miniflare: { bindings: { TEST_MIGRATIONS: migrations, PASSWORD_HASH_ITERATIONS: '1000' } },
      }),
    ],
    test: {
      include: ['tests/**/*.test.ts'],
      setupFiles: ['./tests/setup/apply-migrations.ts', './tests/setup/quiesce.ts'],
      // the fuzz suite (tests/fuzz) reads these with inject(); a fresh seed per run unless FUZZ_SEED replays one
      provide: {
        fuzzSeed: process.env.FUZZ_SEED || String(Math.floor(Math.random() * 2 ** 31)),
        fuzzRuns: process.env.FUZZ_RUNS ?? '',
        fuzzSkipKnown: process.env.FUZZ_SKIP_KNOWN ?? '',
      },
    },
  };
});

import type { D1Migration } from 'cloudflare:test';

// the Worker's own bindings come from worker-configuration.d.ts and worker/env.ts; tests add their migrations
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
export {};

import { listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll } from 'vitest';

// A Durable Object alarm that fires while vitest tears a file down makes the wrapper import the Worker again,
// and that import's RPC outlives the file ("Closing rpc while 'resolve' was pending"): the run fails with every
// test green. So when a file is done, its objects' alarms are cleared (twice: a handler running during the
// first pass may set its next alarm).
afterAll(async () => {
  const namespaces = [
    env.RACK_TELEMETRY,
    env.DATACENTER_LIVE,
    env.ALERT_HUB,
    env.AUDIT_CHAIN,
  ] as DurableObjectNamespace[];
  for (let pass = 0; pass < 2; pass++) {
    for (const ns of namespaces) {
      const ids = await listDurableObjectIds(ns);
      await Promise.all(
        ids.map((id) =>
          runInDurableObject(ns.get(id), (_: unknown, state: DurableObjectState) => state.storage.deleteAlarm()),
        ),
      );
    }
    if (pass === 0) await new Promise((r) => setTimeout(r, 50));
  }
});

// The recorded Docker Engine (test/docker-engine.ts) as a process of its own, for the browser tests: the real agent
// (agent/main.ts --docker <cluster>=<url>) drives it as it would a real engine.
//
//   node agent/test/docker-engine-server.ts --port <p> --workload <namespace>/<name>=<image>x<replicas> [--workload ...]
//     [--health-polls N]
//
// Listens on 127.0.0.1:<port> (0: any free port) and prints one JSON line, {"url": "http://127.0.0.1:<port>"}, on
// stdout once it does. Each workload's replicas are seeded as the docker driver finds them (compose service and
// project labels; namespace `default` has no project label); a new container becomes healthy on its N-th
// inspection (default 2; the agent inspects a batch once a second, so a batch takes about N seconds); images tagged
// `broken` never do. SIGINT or SIGTERM stops it.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FakeEngine } from './docker-engine.ts';

export interface WorkloadSeed {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
}

/** `<namespace>/<name>=<image>x<replicas>`; without `x<replicas>`, one replica */
export function parseWorkload(spec: string): WorkloadSeed {
  const m = /^([^/=\s]+)\/([^/=\s]+)=(\S+?)(?:x(\d+))?$/.exec(spec);
  if (!m) throw new Error(`--workload takes <namespace>/<name>=<image>x<replicas>, got '${spec}'`);
  return { namespace: m[1], name: m[2], image: m[3], replicas: m[4] === undefined ? 1 : Number(m[4]) };
}

function fail(message: string): never {
  process.stderr.write(`docker-engine-server: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        workload: { type: 'string', multiple: true, default: [] },
        'health-polls': { type: 'string', default: '2' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port takes a port number, got '${values.port}'`);
  const healthPolls = Number(values['health-polls']);
  if (!Number.isInteger(healthPolls) || healthPolls < 1)
    fail(`--health-polls takes a whole number, at least 1, got '${values['health-polls']}'`);
  let seeds: WorkloadSeed[];
  try {
    seeds = values.workload.map(parseWorkload);
  } catch (err) {
    fail((err as Error).message);
  }
  const engine = new FakeEngine({ healthPolls, keepRequests: 1000 });
  for (const w of seeds) engine.addWorkload(w.namespace, w.name, w.image, w.replicas);
  try {
    await engine.start(port);
  } catch (err) {
    fail(`cannot listen on 127.0.0.1:${port}: ${(err as Error).message}`);
  }
  process.stdout.write(`${JSON.stringify({ url: engine.url })}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      // the agent may hold a keep-alive connection: do not wait for it
      engine.server.closeAllConnections();
      void engine.stop().then(() => process.exit(0));
    });
}

// run as a program, not imported (its test imports parseWorkload)
const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === realpathSync(fileURLToPath(import.meta.url))) await main();

// node agent/main.ts --url <platform> --token <agent api token> [--dry-run] [--journal <file>]
//   [--libvirt <host>=<uri> ...] [--docker <cluster>=<url|socket> ...] [--kubeconfig <file>] [--observe-every <s>]
//   [--host-config <file>]
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { AgentConnection } from './connection.ts';
import type { Drivers } from './dispatch.ts';
import { DockerDriver } from './drivers/docker.ts';
import { KubernetesDriver } from './drivers/kubernetes.ts';
import { LibvirtDriver } from './drivers/libvirt.ts';
import { HostDriver } from './drivers/host.ts';
import { loadHostConfig } from './drivers/host-config.ts';
import { Executor } from './executor.ts';
import { Journal, defaultJournalPath } from './journal.ts';

const VERSION = '0.1.0';
const USAGE =
  'usage: node agent/main.ts --url <platform url> --token <api token> [--dry-run] [--journal <file>] ' +
  '[--libvirt <host>=<uri> ...] [--docker <cluster>=<url or socket> ...] [--kubeconfig <file>] ' +
  '[--host-config <file.json>]';

function usage(message: string): never {
  process.stderr.write(`agent: ${message} (--help shows the usage)\n`);
  process.exit(2);
}

function pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const i = item.indexOf('=');
    if (i <= 0 || i === item.length - 1) usage(`--${flag} takes <name>=<value>, got '${item}'`);
    const name = item.slice(0, i);
    if (name in out) usage(`--${flag} '${name}' is given twice`);
    out[name] = item.slice(i + 1);
  }
  return out;
}

let args;
try {
  args = parseArgs({
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      journal: { type: 'string' },
      libvirt: { type: 'string', multiple: true },
      docker: { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      'host-config': { type: 'string' },
      'observe-every': { type: 'string', default: '15' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  usage((err as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
// the token may come from the environment so it does not show in the process list
const token = args.token ?? process.env.DCP_AGENT_TOKEN;
if (!args.url) usage('--url is required');
if (!token) usage('--token is required (or set DCP_AGENT_TOKEN)');
if (!/^[A-Za-z0-9_.~!#$%&'*+^`|-]+$/.test(token)) usage('--token has characters an API token never has');
try {
  if (!/^(https?|wss?):$/.test(new URL(args.url).protocol)) usage(`--url must be http(s) or ws(s), got '${args.url}'`);
} catch {
  usage(`--url is not a URL: '${args.url}'`);
}
const observeEvery = Number(args['observe-every']);
if (!(observeEvery >= 1)) usage('--observe-every takes a number of seconds, at least 1');
const libvirtHosts = pairs(args.libvirt, 'libvirt');
const dockerClusters = pairs(args.docker, 'docker');

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
const drivers: Drivers = {};
if (Object.keys(libvirtHosts).length) drivers.libvirt = new LibvirtDriver(libvirtHosts);
if (Object.keys(dockerClusters).length) drivers.docker = new DockerDriver(dockerClusters);
if (args.kubeconfig) {
  try {
    drivers.kubernetes = new KubernetesDriver(args.kubeconfig);
  } catch (err) {
    usage(`--kubeconfig ${args.kubeconfig}: ${(err as Error).message}`);
  }
}
if (args['host-config']) {
  try {
    drivers.host = new HostDriver(loadHostConfig(args['host-config']));
  } catch (err) {
    usage(`--host-config ${args['host-config']}: ${(err as Error).message}`);
  }
}
if (!Object.keys(drivers).length)
  log(
    'no driver configured: every operation will fail until one is (--libvirt, --docker, --kubeconfig, --host-config)',
  );

const dryRun = args['dry-run'];
const journal = dryRun ? null : await Journal.open(args.journal ?? defaultJournalPath());
const executor = new Executor({ drivers, journal, dryRun, log });
const connection = new AgentConnection({
  url: args.url,
  token,
  executor,
  version: VERSION,
  hostname: hostname(),
  dryRun,
  observeEveryMs: observeEvery * 1000,
  log,
});
log(`agent ${VERSION}${dryRun ? ' (dry run)' : ''}: drivers ${executor.drivers().join(', ') || 'none'}`);
connection.start();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    connection.stop();
    await Promise.allSettled([
      drivers.libvirt?.close(),
      drivers.docker?.close(),
      drivers.kubernetes?.close(),
      drivers.host?.close(),
      journal?.close(),
    ]);
    process.exit(0);
  });
}

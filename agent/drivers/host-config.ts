// The host driver's configuration: which servers it may act on (the machine the agent runs on, or one it reaches
// over SSH), and what it may touch there. The cloud names a unit or a directory; only what the operator listed
// here is ever restarted or cleaned, whatever the platform asks.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import * as v from 'valibot';

/** a systemd unit name: no option-like leading dash, no path, no shell metacharacters */
export const UNIT_NAME = /^[A-Za-z0-9][A-Za-z0-9:_.@\\-]{0,255}$/;
/** an ssh destination ([user@]host): never one ssh could read as an option */
const SSH_TARGET = /^[A-Za-z0-9_][A-Za-z0-9_.@:[\]-]{0,253}$/;

/** what `systemctl restart nginx` means: `nginx.service` (a name with a unit type suffix stays as it is) */
export function unitName(unit: string): string {
  return /\.(service|socket|target|timer|mount|path|slice|scope|device|swap|automount)$/.test(unit)
    ? unit
    : `${unit}.service`;
}

const absDir = v.pipe(
  v.string(),
  v.check(
    (p) => p.startsWith('/') && posix.normalize(p) === p.replace(/\/+$/, '') && p !== '/',
    'must be a normalized absolute path other than /',
  ),
);

export const HostConfigFile = v.strictObject({
  /**
   * the servers, by their inventory name: {} (or { "via": "local" }) is the machine the agent runs on;
   * { "ssh": "ops@db-02.site" } is reached with the ssh command. `docker`: the host's Engine API, for image prune.
   */
  hosts: v.record(
    v.string(),
    v.strictObject({
      via: v.optional(v.picklist(['local', 'ssh'])),
      ssh: v.optional(v.pipe(v.string(), v.regex(SSH_TARGET, 'must be [user@]host'))),
      docker: v.optional(v.pipe(v.string(), v.minLength(1))),
    }),
  ),
  /** the units that may be restarted (nginx and nginx.service are the same unit) */
  units: v.optional(v.array(v.pipe(v.string(), v.regex(UNIT_NAME, 'must be a unit name'))), []),
  /** the directories under which old temp files may be removed (never outside them, never through a symlink) */
  temp_roots: v.optional(v.array(absDir), []),
  /** the programs, on the host that runs them; ssh is the whole command before the destination */
  commands: v.optional(
    v.strictObject({
      systemctl: v.optional(v.string()),
      journalctl: v.optional(v.string()),
      find: v.optional(v.string()),
      ssh: v.optional(v.pipe(v.array(v.string()), v.minLength(1))),
    }),
    {},
  ),
  /** how long one command may take (default 120 s) */
  timeout_s: v.optional(v.pipe(v.number(), v.minValue(1)), 120),
  /** how long a restarted unit may stay `activating` before the restart counts as failed (default 15 s) */
  settle_s: v.optional(v.pipe(v.number(), v.minValue(0)), 15),
});
export type HostConfigFile = v.InferInput<typeof HostConfigFile>;

export interface HostAccess {
  name: string;
  /** null: the agent's own machine */
  ssh: string | null;
  docker: string | null;
}

export interface HostConfig {
  hosts: Map<string, HostAccess>;
  units: Set<string>;
  tempRoots: string[];
  commands: { systemctl: string; journalctl: string; find: string; ssh: string[] };
  timeoutMs: number;
  settleMs: number;
}

export function parseHostConfig(raw: unknown): HostConfig {
  const r = v.safeParse(HostConfigFile, raw);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new Error(`host config${path ? ` ${path}` : ''}: ${issue.message}`);
  }
  const c = r.output;
  const hosts = new Map<string, HostAccess>();
  for (const [name, h] of Object.entries(c.hosts)) {
    if (h.via === 'ssh' && !h.ssh) throw new Error(`host config hosts.${name}: via ssh needs "ssh": "[user@]host"`);
    if (h.via === 'local' && h.ssh)
      throw new Error(`host config hosts.${name}: local, yet an ssh destination is given`);
    hosts.set(name, { name, ssh: h.ssh ?? null, docker: h.docker ?? null });
  }
  return {
    hosts,
    units: new Set(c.units.map(unitName)),
    tempRoots: c.temp_roots.map((p) => p.replace(/\/+$/, '')),
    commands: {
      systemctl: c.commands.systemctl ?? 'systemctl',
      journalctl: c.commands.journalctl ?? 'journalctl',
      find: c.commands.find ?? 'find',
      ssh: c.commands.ssh ?? ['ssh', '-o', 'BatchMode=yes'],
    },
    timeoutMs: c.timeout_s * 1000,
    settleMs: c.settle_s * 1000,
  };
}

export function loadHostConfig(file: string): HostConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseHostConfig(raw);
}

// The host driver: a server's own systemd units and disks, on the agent's machine or over SSH (host-config.ts).
//   service.restart  systemctl restart <unit>, then systemctl is-active until it says active (or settle_s passes)
//   disk.cleanup     journalctl --vacuum-size/--vacuum-time; old regular files under allow-listed temp roots
//                    (find -P from the root: no symlink is followed, no other filesystem entered); image prune
//                    through the host's Docker Engine API
// Everything the platform names is checked against the config before anything runs (check*), so a refused
// operation has done nothing.
import { posix } from 'node:path';
import { DockerApi } from './docker-api.ts';
import { unitName, type HostAccess, type HostConfig } from './host-config.ts';
import { failureText, runOn, type Ran } from './host-exec.ts';
import type { Output } from './types.ts';

export interface CleanupPolicy {
  journal_max_size_mb?: number | null;
  journal_max_age_days?: number | null;
  temp_dirs: string[];
  temp_max_age_days: number;
  image_prune: 'off' | 'dangling' | 'unused';
}

const UNITS: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 };

/** The bytes journalctl says each vacuum freed ("Vacuuming done, freed 24.0M of archived journals from …"). */
export function vacuumedBytes(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/freed (\d+(?:\.\d+)?)([BKMGTP])?B? of archived journals/g)) {
    total += Math.round(Number(m[1]) * UNITS[m[2] ?? 'B']!);
  }
  return total;
}

/** `find`'s pattern syntax for a literal path */
const globEscape = (p: string) => p.replace(/[*?[\]\\]/g, '\\$&');

export class HostDriver {
  readonly name = 'host' as const;
  private readonly c: HostConfig;
  private readonly engines = new Map<string, DockerApi>();

  constructor(config: HostConfig) {
    this.c = config;
  }

  hosts(): string[] {
    return [...this.c.hosts.keys()];
  }

  access(host: string): HostAccess {
    const h = this.c.hosts.get(host);
    if (!h)
      throw new Error(
        `host '${host}' is not configured for the host driver on this agent (configured: ${this.hosts().join(', ') || 'none'})`,
      );
    return h;
  }

  /** The unit as systemd names it, if the operator allowed it; throws otherwise. */
  checkUnit(host: string, unit: string): string {
    this.access(host);
    const name = unitName(unit);
    if (!this.c.units.has(name))
      throw new Error(
        `unit '${name}' is not on this agent's allow-list (allowed: ${[...this.c.units].join(', ') || 'none'})`,
      );
    return name;
  }

  /** Each temp dir with the allow-listed root it lies under; throws on any dir outside them all. */
  checkCleanup(host: string, p: CleanupPolicy): { dir: string; root: string }[] {
    const h = this.access(host);
    if (p.image_prune !== 'off' && !h.docker)
      throw new Error(
        `image prune asked, but no Docker engine is configured for host '${host}' (hosts.${host}.docker)`,
      );
    return p.temp_dirs.map((raw) => {
      const dir = raw.replace(/\/+$/, '');
      if (!dir.startsWith('/') || posix.normalize(dir) !== dir)
        throw new Error(`temp dir '${raw}' must be a normalized absolute path`);
      const root = this.c.tempRoots.find((r) => dir === r || dir.startsWith(`${r}/`));
      if (!root)
        throw new Error(
          `temp dir '${dir}' is outside this agent's allowed roots (${this.c.tempRoots.join(', ') || 'none'})`,
        );
      return { dir, root };
    });
  }

  private run(h: HostAccess, argv: string[]): Promise<Ran> {
    return runOn(h, argv, { ssh: this.c.commands.ssh, timeoutMs: this.c.timeoutMs }).then((r) => {
      // 255 is ssh's own failure (unreachable, key refused under BatchMode), not the remote command's
      if (h.ssh && r.code === 255) throw new Error(`ssh to ${h.ssh} failed: ${failureText(r)}`);
      return r;
    });
  }

  async restartService(host: string, unit: string): Promise<Output> {
    const name = this.checkUnit(host, unit);
    const h = this.access(host);
    const { systemctl } = this.c.commands;
    const restarted = await this.run(h, [systemctl, 'restart', '--', name]);
    if (restarted.code !== 0) throw new Error(`systemctl restart ${name} failed: ${failureText(restarted)}`);
    const deadline = Date.now() + this.c.settleMs;
    for (;;) {
      const r = await this.run(h, [systemctl, 'is-active', '--', name]);
      const state = r.stdout.trim().split('\n')[0] || 'unknown';
      if (state === 'active') return { host, unit: name, state, restarted: true };
      // a unit still starting gets until settle_s; anything else (failed, inactive) is the answer now
      if (!['activating', 'reloading'].includes(state) || Date.now() >= deadline)
        throw new Error(`${name} is ${state} after the restart`);
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(10, deadline - Date.now()))));
    }
  }

  async cleanDisk(host: string, p: CleanupPolicy): Promise<Output> {
    const dirs = this.checkCleanup(host, p);
    const h = this.access(host);
    const failures: string[] = [];
    const out: Output = { host };
    let freed = 0;

    if (p.journal_max_size_mb || p.journal_max_age_days) {
      const argv = [
        this.c.commands.journalctl,
        ...(p.journal_max_size_mb ? [`--vacuum-size=${p.journal_max_size_mb}M`] : []),
        ...(p.journal_max_age_days ? [`--vacuum-time=${p.journal_max_age_days}d`] : []),
      ];
      const r = await this.run(h, argv);
      const bytes = vacuumedBytes(`${r.stdout}\n${r.stderr}`);
      out.journal = { bytes_freed: bytes, ok: r.code === 0 };
      freed += bytes;
      if (r.code !== 0) failures.push(`journal vacuum: ${failureText(r)}`);
    }

    const temp: { dir: string; files: number; bytes_freed: number }[] = [];
    for (const { dir, root } of dirs) {
      // from the trusted root, never from the asked dir: a symlink on the way to the dir would otherwise be
      // followed by the kernel when find opens its starting point
      const argv = [
        this.c.commands.find,
        '-P',
        root,
        '-xdev',
        '-mindepth',
        '1',
        ...(dir === root ? [] : ['-path', `${globEscape(dir)}/*`]),
        '-type',
        'f',
        '-mmin',
        `+${p.temp_max_age_days * 1440}`,
        '-delete',
        '-printf',
        '%s\\n',
      ];
      const r = await this.run(h, argv);
      const sizes = r.stdout.split('\n').filter((l) => /^\d+$/.test(l));
      const bytes = sizes.reduce((s, l) => s + Number(l), 0);
      temp.push({ dir, files: sizes.length, bytes_freed: bytes });
      freed += bytes;
      if (r.code !== 0) failures.push(`temp files in ${dir}: ${failureText(r)}`);
    }
    if (temp.length) out.temp = temp;

    if (p.image_prune !== 'off') {
      try {
        const r = await this.engine(h).pruneImages(p.image_prune === 'unused');
        out.images = { deleted: r.deleted, bytes_freed: r.bytes };
        freed += r.bytes;
      } catch (err) {
        failures.push(`image prune: ${(err as Error).message}`);
      }
    }
    out.bytes_freed = freed;
    if (failures.length) throw new Error(`${failures.join('; ')} (freed ${freed} bytes before that)`);
    return out;
  }

  private engine(h: HostAccess): DockerApi {
    let api = this.engines.get(h.name);
    if (!api) this.engines.set(h.name, (api = new DockerApi(h.docker!)));
    return api;
  }

  async close(): Promise<void> {}
}

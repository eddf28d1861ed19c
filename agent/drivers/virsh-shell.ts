// One long-lived interactive `virsh -c <uri>` per host. Why not a process per command: the test driver
// (test:///default) keeps its domains in the connection, so a new process would find them gone; on real libvirt
// it also saves a connection handshake per call.
//
// Commands go in on stdin, one at a time; after each we send `echo __DCP_DONE_<n>'__'`. The quotes make the
// echoed command line differ from the printed sentinel, so the output of command n is everything before the
// printed sentinel. stderr is merged into stdout at the file-descriptor level (2>&1) so an `error:` line always
// lands before the sentinel that follows it.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export class VirshError extends Error {}

interface Pending {
  command: string;
  sentinel: string;
  resolve: (out: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const PROMPT = 'virsh # ';

/** virsh's own parser takes shell-like quoting; names with newlines could inject commands */
export function quote(arg: string): string {
  if (/[\r\n\0]/.test(arg)) throw new VirshError(`invalid argument ${JSON.stringify(arg)}: contains a line break`);
  if (/^[A-Za-z0-9_.:/=@+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class VirshShell {
  readonly uri: string;
  private proc: ChildProcessWithoutNullStreams | null = null;
  private buffer = '';
  private seq = 0;
  private current: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly binary: string;
  private readonly timeoutMs: number;

  constructor(uri: string, options: { binary?: string; timeoutMs?: number } = {}) {
    this.uri = uri;
    this.binary = options.binary ?? 'virsh';
    this.timeoutMs = options.timeoutMs ?? 300_000;
  }

  /** Runs one virsh command line (already quoted); rejects with the `error:` lines virsh printed. */
  run(...args: string[]): Promise<string> {
    const command = args.map(quote).join(' ');
    const next = this.queue.then(() => this.exec(command));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.stdin.end('quit\n');
      setTimeout(() => proc.kill('SIGKILL'), 2000).unref();
    });
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.proc) return this.proc;
    const proc = spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', this.binary, '-q', '-c', this.uri], {
      env: { ...process.env, LANG: 'C', LC_ALL: 'C' },
    });
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => this.onData(chunk));
    proc.stdin.on('error', () => undefined);
    proc.on('exit', (code) => {
      if (this.proc === proc) this.proc = null;
      this.buffer = '';
      // the test driver's state died with the process: nothing to resync, fail what was waiting
      this.fail(new VirshError(`virsh -c ${this.uri} exited (code ${code})`));
    });
    proc.on('error', (err) => this.fail(new VirshError(`cannot run ${this.binary}: ${err.message}`)));
    this.proc = proc;
    return proc;
  }

  private exec(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const proc = this.ensure();
      const sentinel = `__DCP_DONE_${++this.seq}__`;
      const timer = setTimeout(() => {
        // output can no longer be matched to commands: start over with a fresh process
        this.fail(new VirshError(`virsh ${command} timed out after ${this.timeoutMs} ms`));
        proc.kill('SIGKILL');
      }, this.timeoutMs);
      this.current = { command, sentinel, resolve, reject, timer };
      proc.stdin.write(`${command}\necho ${sentinel.slice(0, -2)}'__'\n`);
    });
  }

  private fail(err: Error): void {
    const p = this.current;
    if (!p) return;
    this.current = null;
    clearTimeout(p.timer);
    p.reject(err);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    const p = this.current;
    if (!p) return;
    const at = this.buffer.indexOf(p.sentinel);
    if (at < 0) return;
    const raw = this.buffer.slice(0, at);
    this.buffer = this.buffer.slice(at + p.sentinel.length);
    this.current = null;
    clearTimeout(p.timer);
    const lines = cleanLines(raw, [p.command, `echo ${p.sentinel.slice(0, -2)}'__'`]);
    const errors = lines.filter((l) => l.startsWith('error:')).map((l) => l.slice(6).trim());
    if (errors.length) p.reject(new VirshError(`virsh ${p.command}: ${errors.join('; ')}`));
    else p.resolve(lines.join('\n'));
  }
}

/** Drops the prompt and the echo of what we typed (virsh echoes input when stdin is not a terminal). */
function cleanLines(raw: string, typed: string[]): string[] {
  const out: string[] = [];
  for (let line of raw.split('\n')) {
    while (line.startsWith(PROMPT)) line = line.slice(PROMPT.length);
    if (typed.includes(line.trim())) continue;
    out.push(line.replace(/\s+$/, ''));
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  while (out.length && out[0] === '') out.shift();
  return out;
}

// One command on a host: execFile (no local shell) on the agent's machine, or the configured ssh command with the
// destination and `--`. sshd hands the words after `--` to the remote user's shell joined by spaces, so over SSH
// each word is single-quoted: a unit or a path arrives as one argument, never as shell syntax.
import { execFile } from 'node:child_process';
import type { HostAccess } from './host-config.ts';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export const shellQuote = (word: string): string => {
  if (/[\0\r\n]/.test(word)) throw new Error(`refused argument ${JSON.stringify(word)}: contains a line break`);
  return /^[A-Za-z0-9_.:/=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
};

/**
 * Runs argv on the host and resolves with its exit code and output (a non-zero exit is an answer, not an error:
 * `systemctl is-active` says "inactive" with 3). Rejects when the program cannot start or runs past the timeout.
 */
export function runOn(host: HostAccess, argv: string[], o: { ssh: string[]; timeoutMs: number }): Promise<Ran> {
  const [file, ...args] = host.ssh ? [...o.ssh, host.ssh, '--', ...argv.map(shellQuote)] : argv;
  return new Promise((resolve, reject) => {
    execFile(
      file!,
      args,
      { timeout: o.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          const what = host.ssh ? `ssh to ${host.ssh}` : argv[0];
          reject(
            new Error(
              err.killed
                ? `${what}: ${argv[0]} ran past ${o.timeoutMs / 1000} s and was killed`
                : `${what}: ${err.message}`,
            ),
          );
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The tool's own words for a failure: its stderr, else its stdout, else the exit code. */
export const failureText = (r: Ran): string =>
  (r.stderr.trim() || r.stdout.trim() || `exit code ${r.code}`).split('\n').slice(-3).join(' ');

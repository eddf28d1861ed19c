// The idempotency journal: an append-only JSONL file, one line when an operation starts and one with its result.
// Append-only so a crash can only lose the tail line, which load() skips; each line is fsynced before the
// platform hears about it, so a result the platform saw is never forgotten.
import { mkdir, open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface JournalResult {
  key: string;
  id: number;
  ok: boolean;
  output?: Record<string, unknown>;
  error?: string;
  at: number;
}

interface StartedLine {
  key: string;
  id: number;
  kind: string;
  started: true;
  at: number;
}

export const defaultJournalPath = (): string => join(homedir(), '.dc-platform-agent', 'journal.jsonl');

export class Journal {
  readonly path: string;
  private readonly results = new Map<string, JournalResult>();
  private readonly started = new Set<string>();
  private file: FileHandle | null = null;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(path: string) {
    this.path = path;
  }

  static async open(path = defaultJournalPath()): Promise<Journal> {
    const journal = new Journal(path);
    await mkdir(dirname(path), { recursive: true });
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let entry: StartedLine | JournalResult;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // the torn last line of a crash
      }
      if ('started' in entry) journal.started.add(entry.key);
      else if (typeof entry.ok === 'boolean') {
        journal.results.set(entry.key, entry);
        journal.started.delete(entry.key);
      }
    }
    journal.file = await open(path, 'a');
    return journal;
  }

  result(key: string): JournalResult | undefined {
    return this.results.get(key);
  }

  /** started before a crash (or a kill) and never finished: the caller decides whether it took effect */
  interrupted(key: string): boolean {
    return this.started.has(key) && !this.results.has(key);
  }

  begin(key: string, id: number, kind: string): Promise<void> {
    this.started.add(key);
    return this.append({ key, id, kind, started: true, at: Date.now() });
  }

  finish(result: Omit<JournalResult, 'at'>): Promise<void> {
    const entry: JournalResult = { ...result, at: Date.now() };
    this.results.set(entry.key, entry);
    this.started.delete(entry.key);
    return this.append(entry);
  }

  async close(): Promise<void> {
    await this.writes;
    await this.file?.close();
    this.file = null;
  }

  private append(entry: object): Promise<void> {
    const write = this.writes.then(async () => {
      if (!this.file) throw new Error(`journal ${this.path} is closed`);
      await this.file.write(`${JSON.stringify(entry)}\n`);
      await this.file.datasync();
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}

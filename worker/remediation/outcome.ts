// What a finished action did, in words for the incident timeline: the agent's report of a host operation.

const BYTES = ['B', 'KB', 'MB', 'GB', 'TB'];
export function bytesText(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1024 && i < BYTES.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${BYTES[i]}`;
}

/** "nginx.service is active" or "freed 1.2 GB"; null when the action reports nothing worth a line. */
export function outcomeText(action: string, output: Record<string, unknown> | null): string | null {
  if (!output || output.dry_run === true) return output?.dry_run ? 'the agent only pretended (dry run)' : null;
  if (action === 'host.service_restart' && typeof output.unit === 'string')
    return `${output.unit} is ${String(output.state ?? 'unknown')}`;
  if (action === 'host.disk_cleanup' && typeof output.bytes_freed === 'number')
    return `freed ${bytesText(output.bytes_freed)}`;
  return null;
}

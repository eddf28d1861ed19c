// Pure: what an operation's outcome does to its VM's own columns (status, host); tested alone.

/**
 * What an operation's outcome does to its VM's record (null: nothing). A failed or cancelled migration puts the
 * VM back as it was on its old host; a successful one moves it.
 */
export function vmChangeFor(
  op: { kind: string; params: Record<string, unknown> },
  ok: boolean,
  _output?: Record<string, unknown>,
): Record<string, unknown> | null {
  if (op.kind === 'vm.migrate') {
    const previous = String(op.params.previous_status ?? 'running');
    return ok ? { status: previous, host_server_id: Number(op.params.target_host_id) } : { status: previous };
  }
  if (!ok) return null;
  if (op.kind === 'vm.start' || op.kind === 'vm.restart') return { status: 'running' };
  if (op.kind === 'vm.stop') return { status: 'stopped' };
  return null;
}

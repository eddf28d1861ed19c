/** Which ports a set of cable writes would use twice. Pure: cables.ts loads the rows and words the answer. */

export interface CableWrite {
  /** field prefix of the write ("" or "[3].") */
  prefix: string;
  /** the cable's id when it is an update (its own ports are not a clash) */
  id: number | null;
  a_port_id: number;
  b_port_id: number;
}
export interface StoredCable {
  id: number;
  a_port_id: number;
  b_port_id: number;
}
export interface PortClash {
  prefix: string;
  field: 'a_port_id' | 'b_port_id';
  port_id: number;
  /** the stored cable already on the port, or the earlier write of the same request */
  taken_by: { cable_id: number } | { prefix: string };
}

/**
 * A port carries at most one cable, on either side: each write's ports against the stored cables (minus those the
 * request rewrites) and against the writes before it. A cable from a port to itself is another error (422), left
 * to the caller.
 */
export function portClashes(writes: CableWrite[], stored: StoredCable[]): PortClash[] {
  const rewritten = new Set(writes.flatMap((w) => (w.id === null ? [] : [w.id])));
  const holder = new Map<number, PortClash['taken_by']>();
  for (const c of stored) {
    if (rewritten.has(c.id)) continue;
    holder.set(c.a_port_id, { cable_id: c.id });
    holder.set(c.b_port_id, { cable_id: c.id });
  }
  const clashes: PortClash[] = [];
  for (const w of writes) {
    if (w.a_port_id === w.b_port_id) continue;
    for (const field of ['a_port_id', 'b_port_id'] as const) {
      const port = w[field];
      const taken = holder.get(port);
      if (taken) clashes.push({ prefix: w.prefix, field, port_id: port, taken_by: taken });
      else holder.set(port, { prefix: w.prefix });
    }
  }
  return clashes;
}

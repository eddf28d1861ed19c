/**
 * A bits-per-second rate from an octet counter (SNMP ifHCInOctets / ifHCOutOctets as snmp_exporter reports them):
 * the last two samples, both recent. A counter that went down (a reset, a wrap, a rebooted switch) gives no rate
 * rather than a negative or enormous one; so do samples closer than a second apart.
 */
export function counterRate(
  samples: readonly (readonly [ts: number, value: number])[],
  now: number,
  freshMs: number,
): { bps: number; ts: number } | null {
  if (samples.length < 2) return null;
  const [t1, v1] = samples[samples.length - 2]!;
  const [t2, v2] = samples[samples.length - 1]!;
  if (now - t2 > freshMs || t2 - t1 < 1000 || v2 < v1) return null;
  return { bps: ((v2 - v1) * 8 * 1000) / (t2 - t1), ts: t2 };
}

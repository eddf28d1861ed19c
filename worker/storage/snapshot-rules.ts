/** Storage capacities are decimal, as vendors sell them: 1 TB = 1000 GB. */
export const GB_PER_TB = 1000;

/** Why a snapshot of `size_gb` does not fit in the system's free capacity, or null when it does. */
export function snapshotOverflow(
  size_gb: number,
  system: { name: string; usable_capacity_tb: number; used_tb: number },
): string | null {
  const freeGb = Math.round((system.usable_capacity_tb - system.used_tb) * GB_PER_TB * 1000) / 1000;
  return size_gb > freeGb ? `${size_gb} GB is more than the ${Math.max(freeGb, 0)} GB free on ${system.name}` : null;
}

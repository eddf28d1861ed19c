// Conversions from the NetBox device-type library's vocabulary to this inventory's units.

export const WEIGHT_UNITS = ['kg', 'g', 'lb', 'oz'] as const;
export type WeightUnit = (typeof WEIGHT_UNITS)[number];

/** Kilograms per unit: the pound and ounce are the international avoirdupois ones (exact by definition). */
const KG_PER: Record<WeightUnit, number> = { kg: 1, g: 0.001, lb: 0.45359237, oz: 0.028349523125 };

/** A weight in kilograms, to the gram (a device's weight is never known more precisely). */
export function weightKg(weight: number, unit: WeightUnit): number {
  return Math.round(weight * KG_PER[unit] * 1000) / 1000;
}

/**
 * The line rate a NetBox interface type implies: `1000base-t` (megabit) is 1G, `10gbase-x-sfpp` 10G,
 * `2.5gbase-t` 2.5G, `100base-tx` 100M. Virtual, LAG, wireless and cellular types have no line rate: null.
 */
export function interfaceSpeed(type: string | undefined | null): string | null {
  const m = /^(\d+(?:\.\d+)?)(g?)base-/i.exec(type ?? '');
  if (!m) return null;
  const mbps = Number(m[1]) * (m[2] ? 1000 : 1);
  if (!Number.isFinite(mbps) || mbps <= 0) return null;
  return mbps >= 1000 ? `${mbps / 1000}G` : `${mbps}M`;
}

/**
 * A slug the way NetBox's (Django's) slugify makes one: accents dropped, lower case, punctuation other than - and
 * _ removed, each run of spaces and hyphens one hyphen ("Dell" + "PowerEdge R640" → "dell-poweredge-r640", the
 * library's own slug for it).
 */
export function slugify(...parts: string[]): string {
  return parts
    .join(' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_\s-]+/g, '')
    .replace(/[\s-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
}

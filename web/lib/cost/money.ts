// Amounts in their own currency (never converted: the API keeps currencies apart).
const formats = new Map<string, Intl.NumberFormat>();

export function money(n: number | null | undefined, currency: string, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const key = `${currency}/${digits}`;
  if (!formats.has(key)) {
    formats.set(
      key,
      new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
    );
  }
  return formats.get(key)!.format(n);
}

export const CATEGORY_COLORS = {
  energy: 'var(--chart-1)',
  hardware: 'var(--chart-2)',
  space: 'var(--chart-3)',
  licence: 'var(--chart-4)',
  support: 'var(--chart-5)',
} as const;
export const CATEGORY_LABELS = {
  energy: 'Energy',
  hardware: 'Hardware',
  space: 'Space',
  licence: 'Licences',
  support: 'Support',
} as const;
export const CATEGORY_KEYS = ['energy', 'hardware', 'space', 'licence', 'support'] as const;

// Colour scales of the floor map and the live elevation: cold blue → green → amber → red.
// Fixed colours (not theme tokens) so that a temperature reads the same in the light and the dark theme.

export type Stop = [value: number, color: string];

/** Inlet temperature (°C): ASHRAE recommends 18–27 °C at the server inlet. */
export const TEMP_STOPS: Stop[] = [
  [16, '#3b82f6'],
  [19, '#14b8a6'],
  [22, '#22b573'],
  [25, '#a3c23a'],
  [27, '#f0a020'],
  [30, '#f26b1d'],
  [32, '#e5484d'],
];

/** Power drawn as a share of the budget (%). */
export const UTIL_STOPS: Stop[] = [
  [0, '#3b82f6'],
  [25, '#14b8a6'],
  [50, '#22b573'],
  [70, '#a3c23a'],
  [80, '#f0a020'],
  [90, '#f26b1d'],
  [100, '#e5484d'],
];

/** The labelled ticks of a legend (not every stop). */
export const TEMP_TICKS = [16, 22, 27, 32];
export const UTIL_TICKS = [0, 50, 80, 100];

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const toHex = (c: number[]) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** The colour of `v` on a scale; null (no data) stays null. */
export function heatColor(v: number | null | undefined, stops: Stop[]): string | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  if (v <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [v1, c1] = stops[i];
    if (v <= v1) {
      const [v0, c0] = stops[i - 1];
      const t = (v - v0) / (v1 - v0);
      const a = rgb(c0);
      const b = rgb(c1);
      return toHex(a.map((x, k) => x + (b[k] - x) * t));
    }
  }
  return stops[stops.length - 1][1];
}

/** A CSS gradient of the scale for legends, left (low) to right (high). */
export function gradientCss(stops: Stop[]): string {
  const lo = stops[0][0];
  const hi = stops[stops.length - 1][0];
  return `linear-gradient(90deg, ${stops.map(([v, c]) => `${c} ${(((v - lo) / (hi - lo)) * 100).toFixed(0)}%`).join(', ')})`;
}

/** Dark or light text on a colour, whichever reads better. */
export function inkOn(hex: string | null): string {
  if (!hex) return 'var(--text-3)';
  const [r, g, b] = rgb(hex).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return lum > 0.36 ? '#14171c' : '#ffffff';
}

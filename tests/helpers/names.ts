let seq = 0;
const run = Math.floor(Math.random() * 36 ** 4)
  .toString(36)
  .toUpperCase();

/** A name no other call in this run returns (letters, digits and '-', safe as a serial number too). */
export function uniqueName(prefix: string): string {
  seq += 1;
  return `${prefix}-${run}-${seq}`;
}

// Reading bin-packing instances in the two formats the benchmark sets come in, so the CLI, the benchmark and
// the tests parse them one way:
//   OR-Library (Beasley): the number of instances, then per instance a name, "capacity n best-known", n sizes.
//   BPPLIB (one instance per file): n, capacity, n sizes.
// They are told apart by the second token: a name (OR-Library) or a number (BPPLIB).

export interface BinPackingInstance {
  name: string;
  capacity: number;
  /** in file order: bins refer to items by their index here */
  sizes: number[];
  /** the best known number of bins, where the file gives one (OR-Library) */
  bestKnown?: number;
}

export class InstanceFormatError extends Error {}

const isNumber = (t: string | undefined): boolean =>
  t !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t);

/** The instances in `text`; `name` names a BPPLIB instance (its file's name, say). Throws InstanceFormatError. */
export function parseInstances(text: string, name: string): BinPackingInstance[] {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0) throw new InstanceFormatError('the file is empty');
  let at = 0;
  const next = (what: string): number => {
    const t = tokens[at];
    if (t === undefined) throw new InstanceFormatError(`the file ends where ${what} should be`);
    if (!isNumber(t)) throw new InstanceFormatError(`expected ${what}, found "${t}" (token ${at + 1})`);
    at++;
    return Number(t);
  };
  const count = (x: number, what: string): number => {
    if (!Number.isInteger(x) || x < 0) throw new InstanceFormatError(`${what} must be a whole number, not ${x}`);
    return x;
  };
  const readSizes = (n: number, capacity: number, label: string): number[] => {
    if (!(capacity > 0)) throw new InstanceFormatError(`${label}: the capacity must be positive, not ${capacity}`);
    const sizes: number[] = [];
    for (let i = 0; i < n; i++) {
      const w = next(`${label}: item ${i + 1} of ${n}`);
      if (w < 0) throw new InstanceFormatError(`${label}: item ${i + 1} has a negative size (${w})`);
      if (w > capacity)
        throw new InstanceFormatError(`${label}: item ${i + 1} (${w}) is larger than the capacity (${capacity})`);
      sizes.push(w);
    }
    return sizes;
  };

  if (!isNumber(tokens[0])) throw new InstanceFormatError(`expected a number first, found "${tokens[0]}"`);
  if (tokens.length > 1 && !isNumber(tokens[1])) {
    const instances = count(next('the number of instances'), 'the number of instances');
    const out: BinPackingInstance[] = [];
    for (let k = 0; k < instances; k++) {
      const label = tokens[at];
      if (label === undefined) throw new InstanceFormatError(`the file ends after ${k} of ${instances} instances`);
      at++;
      const capacity = next(`${label}: the capacity`);
      const n = count(next(`${label}: the number of items`), `${label}: the number of items`);
      const bestKnown = next(`${label}: the best-known number of bins`);
      out.push({ name: label, capacity, sizes: readSizes(n, capacity, label), bestKnown });
    }
    if (at < tokens.length) throw new InstanceFormatError(`unexpected "${tokens[at]}" after the last instance`);
    return out;
  }
  const n = count(next('the number of items'), 'the number of items');
  const capacity = next('the capacity');
  const sizes = readSizes(n, capacity, name);
  if (at < tokens.length) throw new InstanceFormatError(`${n} items were announced but more follow ("${tokens[at]}")`);
  return [{ name, capacity, sizes }];
}

/**
 * A statement that rides along with the request's next D1 batch instead of costing a round trip of its own.
 * A read-only request re-checks who is calling (identity) this way: the check and the request's data come
 * back together, in one transaction, and nothing is answered before the check is settled.
 */
export interface Rider {
  statement: D1PreparedStatement;
  /** the rider's own result; called once, when the batch it rode in has answered */
  settle(result: D1Result): void;
}

export interface RiderSlot {
  /** seat a rider for the next batch (replaces any unseated one) */
  seat(rider: Rider): void;
  /** the rider that found no batch to ride (the request made none): it must now travel alone */
  unseated(): Rider | null;
}

/** Wrap a D1 binding so that its next `batch()` carries the seated rider first. Everything else passes through. */
export function withRiderSlot(d1: D1Database): { d1: D1Database; slot: RiderSlot } {
  let seated: Rider | null = null;
  const wrapped: D1Database = {
    prepare: (query) => d1.prepare(query),
    exec: (query) => d1.exec(query),
    dump: () => d1.dump(),
    withSession: (constraint) => d1.withSession(constraint),
    async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
      const rider = seated;
      if (!rider) return d1.batch<T>(statements);
      seated = null;
      let results: D1Result<T>[];
      try {
        results = await d1.batch<T>([rider.statement, ...statements]);
      } catch (e) {
        seated = rider; // the batch did not run: the rider still has to travel
        throw e;
      }
      rider.settle(results[0] as D1Result);
      return results.slice(1);
    },
  } as D1Database;
  return {
    d1: wrapped,
    slot: {
      seat: (rider) => void (seated = rider),
      unseated: () => {
        const r = seated;
        seated = null;
        return r;
      },
    },
  };
}

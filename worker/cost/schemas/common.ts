import * as v from 'valibot';

// Only valibot here: the UI validates its cost forms with these.

/** ISO 4217: three capital letters (EUR, USD, GBP). */
export const currency = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.toUpperCase(),
  v.regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code like EUR or USD'),
);

/** A money amount or price: zero or more, finite. */
export const money = (max = 1e12) =>
  v.pipe(
    v.number('must be a number'),
    v.finite('must be a finite number'),
    v.minValue(0, 'must be 0 or more'),
    v.maxValue(max, `must be at most ${max}`),
  );

export const date = v.pipe(v.string('must be text'), v.isoDate('must be a date as YYYY-MM-DD'));

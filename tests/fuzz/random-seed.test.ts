// OpenAPI-driven fuzzing with a new seed each run (printed; FUZZ_SEED=<n> replays it). Its own file, so its own
// database: a replay starts from exactly the state the failing run had.
import { inject } from 'vitest';
import { fuzzSuite, runsPerOperation } from './support/suite';

await fuzzSuite(Number(inject('fuzzSeed')), runsPerOperation(20), 'random seed');

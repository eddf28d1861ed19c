// OpenAPI-driven fuzzing with the fixed seed: the same few thousand requests on every run (see README, "Fuzzing").
import { FIXED_SEED, fuzzSuite, runsPerOperation } from './support/suite';

await fuzzSuite(FIXED_SEED, runsPerOperation(30), 'fixed seed');

// Packing and placement solvers: pure functions over plain data (no storage, no HTTP), for routes and jobs to call.
//
// solveBinPacking: one-dimensional bin packing, what the benchmark scores (Falkenauer's uniform and triplet sets).
// placeVms: VM placement on hosts over vCPU, RAM and disk with overcommit, headroom, maintenance, clearance and
// anti-affinity, by its own vector heuristics (best fit, host emptying, peak shaving).
export { solveBinPacking, type BinPackingOptions, type BinPackingResult } from './bin-packing.ts';
export { lowerBound, lowerBoundL1, lowerBoundL2 } from './bounds.ts';
export { bestFitDecreasing, firstFitDecreasing, minimumBinSlack } from './greedy.ts';
export { reduceInstance, type Reduction } from './reduce.ts';
export { InstanceFormatError, parseInstances, type BinPackingInstance } from './instances.ts';
export { packingProblems } from './validate.ts';
export { placeVms } from './placement.ts';
export type {
  HostReport,
  HostSpec,
  Move,
  PlacementGoal,
  PlacementInput,
  PlacementPlan,
  Resources,
  Unplaceable,
  VmSpec,
} from './placement-types.ts';

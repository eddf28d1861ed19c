/// <reference types="vite/client" />
// The packing solvers with hand-checked numbers: lower bounds, first-fit decreasing, reduction, the improvement
// search reaching the optimum (hand-made triplets and instances of the shared Falkenauer sets), and the VM
// placement plans (maintenance, anti-affinity, clearance, overcommit, headroom, pack, spread, fewest moves).
import { describe, expect, it } from 'vitest';
import u120Text from '../../../shared/data/binpack/falkenauer_u120.txt?raw';
import t120n00 from '../../../shared/data/binpack/triplets120/Falkenauer_t120_00.txt?raw';
import t120n07 from '../../../shared/data/binpack/triplets120/Falkenauer_t120_07.txt?raw';
import {
  bestFitDecreasing,
  firstFitDecreasing,
  lowerBound,
  lowerBoundL1,
  lowerBoundL2,
  packingProblems,
  placeVms,
  reduceInstance,
  solveBinPacking,
  type HostSpec,
  type PlacementInput,
  type VmSpec,
} from '../../worker/optimisation/packing';
import { parseInstances } from '../../worker/optimisation/packing/instances';
import { orderedMoves } from '../../worker/optimisation/packing/placement-plan';
import { Placement } from '../../worker/optimisation/packing/placement-state';
import type { Move } from '../../worker/optimisation/packing/placement-types';

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);
const asSizes = (sizes: number[], bins: number[][]) => bins.map((b) => b.map((i) => sizes[i]));

describe('lower bounds', () => {
  it('L1 is the total over the capacity, rounded up', () => {
    expect(lowerBoundL1([6, 6, 6, 6], 10)).toBe(3); // 24 / 10 = 2.4
    expect(lowerBoundL1([5, 5], 10)).toBe(1);
    expect(lowerBoundL1([], 10)).toBe(0);
  });

  it('L2 counts items over half the capacity one bin each', () => {
    // four items of 6 in bins of 10: no two share a bin
    expect(lowerBoundL2([6, 6, 6, 6], 10)).toBe(4);
  });

  it('L2 with K = 45: three 60s stand alone, the three 45s need ⌈135 / 100⌉ = 2 more bins', () => {
    const sizes = [60, 60, 60, 45, 45, 45];
    expect(lowerBoundL1(sizes, 100)).toBe(4); // 315 / 100
    expect(lowerBoundL2(sizes, 100)).toBe(5);
    expect(lowerBound(sizes, 100)).toBe(5);
    // and 5 is reached: 60 | 60 | 60 | 45 45 | 45
    const result = solveBinPacking(sizes, 100);
    expect(result.bins).toHaveLength(5);
    expect(result.optimal).toBe(true);
  });
});

describe('greedy packings', () => {
  // three exact triples, which first-fit decreasing splits badly
  const sizes = [44, 36, 20, 43, 37, 20, 42, 38, 20];

  it('first-fit decreasing: 44 + 43 leave no room for a 20, so a fourth bin opens', () => {
    expect(asSizes(sizes, firstFitDecreasing(sizes, 100, indices(9)))).toEqual([
      [44, 43],
      [42, 38, 20],
      [37, 36, 20],
      [20],
    ]);
  });

  it('best-fit decreasing does the same here', () => {
    expect(bestFitDecreasing(sizes, 100, indices(9))).toHaveLength(4);
  });

  it('the solver finds the three exact bins', () => {
    const result = solveBinPacking(sizes, 100);
    expect(result.firstFitDecreasing).toBe(4);
    expect(result.lowerBound).toBe(3);
    expect(result.bins).toHaveLength(3);
    expect(packingProblems(sizes, 100, result.bins)).toEqual([]);
    expect(asSizes(sizes, result.bins).map((b) => b.reduce((s, w) => (s ?? 0) + (w ?? 0), 0))).toEqual([100, 100, 100]);
  });
});

describe('reduction', () => {
  it('fixes a pair that fills a bin exactly, and a pair no third item could join', () => {
    // 70 + 30 = 100 exactly; beside 55 fits at most one of {40, 25} (40 + 25 > 45), and 40 is the larger
    const sizes = [70, 30, 55, 40, 25];
    const { fixed, free } = reduceInstance(sizes, 100, indices(5));
    expect(fixed).toEqual([[0, 1], [2, 3], [4]]);
    expect(free).toEqual([]);
  });

  it('leaves items alone when a better fill might exist', () => {
    // beside 50: 30 + 20 fill the room exactly, better than 30 alone
    const { fixed, free } = reduceInstance([50, 30, 20], 100, indices(3));
    expect(fixed).toEqual([]);
    expect(free).toEqual([0, 1, 2]);
  });
});

describe('solveBinPacking', () => {
  it('reaches n/3 on a hand-made triplet instance, every bin exactly full', () => {
    // six triples summing to 1000, shuffled; first-fit decreasing needs 7 bins
    const sizes = [300, 499, 290, 350, 250, 320, 251, 380, 400, 300, 250, 340, 420, 250, 450, 290, 360, 300];
    const result = solveBinPacking(sizes, 1000);
    expect(result.firstFitDecreasing).toBeGreaterThan(6);
    expect(result.bins).toHaveLength(6);
    expect(result.optimal).toBe(true);
    expect(packingProblems(sizes, 1000, result.bins)).toEqual([]);
  });

  it('is reproducible: the same seed gives the same packing', () => {
    const sizes = [44, 36, 20, 43, 37, 20, 42, 38, 20, 61, 39, 55, 45, 70, 30];
    expect(solveBinPacking(sizes, 100, { seed: 7 }).bins).toEqual(solveBinPacking(sizes, 100, { seed: 7 }).bins);
  });

  it('packs fractional sizes exactly and puts weightless items in a bin', () => {
    const fractions = solveBinPacking([0.5, 0.25, 0.25, 0.75], 1);
    expect(fractions.bins).toHaveLength(2);
    expect(packingProblems([0.5, 0.25, 0.25, 0.75], 1, fractions.bins)).toEqual([]);
    const weightless = solveBinPacking([0, 5, 5], 10);
    expect(weightless.bins).toHaveLength(1);
    expect(weightless.bins[0]?.sort()).toEqual([0, 1, 2]);
    expect(solveBinPacking([], 10).bins).toEqual([]);
  });

  it('refuses sizes over the capacity, negative sizes and a capacity of 0', () => {
    expect(() => solveBinPacking([5, 11], 10)).toThrow(/item 1: size 11 exceeds the capacity 10/);
    expect(() => solveBinPacking([-1], 10)).toThrow(RangeError);
    expect(() => solveBinPacking([1], 0)).toThrow(RangeError);
  });

  it('packingProblems names missing, repeated and overfull', () => {
    expect(packingProblems([6, 6, 3], 10, [[0, 1], [1]])).toEqual([
      'bin 0 holds 12, over the capacity 10',
      'item 1 is packed more than once',
      'item 2 is not packed',
    ]);
  });
});

describe('the shared Falkenauer sets', () => {
  const u120 = parseInstances(u120Text, 'u120');

  it('parses all 20 u120 instances with their best-known counts', () => {
    expect(u120).toHaveLength(20);
    expect(u120[0]).toMatchObject({ name: 'u120_00', capacity: 150, bestKnown: 48 });
    expect(u120[0]?.sizes).toHaveLength(120);
  });

  it.each(['u120_00', 'u120_08', 'u120_19'])('%s: valid, at most the best known, at least the bound', (name) => {
    const inst = u120.find((i) => i.name === name)!;
    const result = solveBinPacking(inst.sizes, inst.capacity);
    expect(packingProblems(inst.sizes, inst.capacity, result.bins)).toEqual([]);
    expect(result.bins.length).toBeLessThanOrEqual(inst.bestKnown!);
    expect(result.bins.length).toBeGreaterThanOrEqual(result.lowerBound);
    expect(result.bins.length).toBeLessThan(result.firstFitDecreasing + 1);
  });

  it.each([
    ['t120_00', t120n00],
    ['t120_07', t120n07],
  ])('%s: 40 bins, the optimum, where first-fit decreasing needs 45 or more', (name, text) => {
    const [inst] = parseInstances(text, name);
    const result = solveBinPacking(inst!.sizes, inst!.capacity);
    expect(packingProblems(inst!.sizes, inst!.capacity, result.bins)).toEqual([]);
    expect(result.bins).toHaveLength(40);
    expect(result.firstFitDecreasing).toBeGreaterThanOrEqual(45);
  });
});

// 16 cores (×2 vCPU), 64 GB, 1 TB: a VM of 4 vCPU and 8 GB fills an eighth of one
const host = (id: string, over: Partial<HostSpec> = {}): HostSpec => ({
  id,
  capacity: { vcpu: 16, ram_mb: 65536, disk_gb: 1000 },
  overcommit: { cpu: 2 },
  ...over,
});
const vm = (id: string, on: string | null, vcpu = 4, ramMb = 8192, over: Partial<VmSpec> = {}): VmSpec => ({
  id,
  host: on,
  demand: { vcpu, ram_mb: ramMb, disk_gb: 50 },
  ...over,
});
/** Where every VM ends up after the plan's moves. */
const after = (input: PlacementInput, plan: ReturnType<typeof placeVms>) => {
  const at = new Map(input.vms.map((v) => [v.id, v.host]));
  for (const m of plan.moves) at.set(m.vm, m.to);
  return at;
};

describe('placeVms', () => {
  it('pack frees the lightest host with one move', () => {
    const input: PlacementInput = {
      hosts: [host('a'), host('b')],
      vms: [vm('v1', 'a'), vm('v2', 'b'), vm('v3', 'b')],
      goal: 'pack',
    };
    const plan = placeVms(input);
    expect(plan.moves).toEqual([{ vm: 'v1', from: 'a', to: 'b' }]);
    expect(plan.freed).toEqual(['a']);
    expect(plan.hostsUsedBefore).toBe(2);
    expect(plan.hostsUsedAfter).toBe(1);
    expect(plan.ordered).toBe(true);
    // b: 3 × 4 vCPU of 32, 3 × 8 GB of 64 GB
    expect(plan.hosts.find((h) => h.host === 'b')).toMatchObject({
      before: { vcpu: 8, ram_mb: 16384, disk_gb: 100 },
      after: { vcpu: 12, ram_mb: 24576, disk_gb: 150 },
      utilisationAfter: 0.375,
    });
  });

  it('an already packed placement needs no move', () => {
    // 24 of 32 vCPU on each host: the two cannot share one
    const input: PlacementInput = {
      hosts: [host('a'), host('b')],
      vms: [vm('v1', 'a', 12), vm('v2', 'a', 12), vm('v3', 'b', 12), vm('v4', 'b', 12)],
      goal: 'pack',
    };
    const plan = placeVms(input);
    expect(plan.moves).toEqual([]);
    expect(plan.hostsUsedAfter).toBe(2);
  });

  it('evacuates a host in maintenance and never targets it', () => {
    const input: PlacementInput = {
      hosts: [host('a', { maintenance: true }), host('b'), host('c')],
      vms: [vm('v1', 'a'), vm('v2', 'a'), vm('v3', 'b'), vm('v4', 'c'), vm('new', null)],
      goal: 'spread',
    };
    const plan = placeVms(input);
    const at = after(input, plan);
    expect(plan.evacuated).toEqual(['a']);
    expect(plan.moves.some((m) => m.to === 'a')).toBe(false);
    expect([at.get('v1'), at.get('v2'), at.get('new')].every((h) => h === 'b' || h === 'c')).toBe(true);
    expect(plan.hosts.find((h) => h.host === 'a')?.vmsAfter).toBe(0);
    // spread: five equal VMs over two hosts, 3 and 2
    expect(
      plan.hosts
        .filter((h) => h.host !== 'a')
        .map((h) => h.vmsAfter)
        .sort(),
    ).toEqual([2, 3]);
  });

  it('anti-affinity: group members stay on separate hosts, and a clash found is resolved', () => {
    const web = { antiAffinity: ['web'] };
    const spreadOut: PlacementInput = {
      hosts: [host('a'), host('b'), host('c')],
      vms: [vm('w1', 'a', 4, 8192, web), vm('w2', 'b', 4, 8192, web), vm('w3', 'c', 4, 8192, web)],
      goal: 'pack',
    };
    // packing would want one host, but the three must keep three
    expect(placeVms(spreadOut).moves).toEqual([]);

    const clash: PlacementInput = {
      hosts: [host('a'), host('b')],
      vms: [vm('d1', 'a', 4, 8192, { antiAffinity: ['db'] }), vm('d2', 'a', 4, 8192, { antiAffinity: ['db'] })],
      goal: 'pack',
    };
    const plan = placeVms(clash);
    const at = after(clash, plan);
    expect(plan.moves).toHaveLength(1);
    expect(at.get('d1')).not.toBe(at.get('d2'));
  });

  it('a VM runs only where the caller clears it (allowedHosts, canRun)', () => {
    // v4 is cleared for c only, so c stays up and the rest join it
    const input: PlacementInput = {
      hosts: [host('a', { zone: 'z1' }), host('b', { zone: 'z1' }), host('c', { zone: 'z2' })],
      vms: [vm('v1', 'a'), vm('v2', 'a'), vm('v3', 'b'), vm('v4', 'c')],
      goal: 'pack',
      canRun: (v, h) => v.id !== 'v4' || h.zone === 'z2',
    };
    const plan = placeVms(input);
    expect(plan.moves.map((m) => m.to)).toEqual(['c', 'c', 'c']);
    expect(plan.freed.sort()).toEqual(['a', 'b']);

    const newVm: PlacementInput = {
      hosts: [host('a'), host('b')],
      vms: [vm('v1', 'a'), vm('v2', null, 4, 8192, { allowedHosts: ['b'] })],
      goal: 'pack',
    };
    // v2 may only use b, so b it is, and v1 joins it there
    const placed = placeVms(newVm);
    expect(placed.moves).toEqual([
      { vm: 'v1', from: 'a', to: 'b' },
      { vm: 'v2', from: null, to: 'b' },
    ]);
    expect(placed.hostsUsedAfter).toBe(1);
  });

  it('overcommit: 8 cores at 4:1 take two 16-vCPU VMs; at 1:1 they need two hosts', () => {
    const vms = [vm('v1', 'a', 16), vm('v2', 'b', 16)];
    const at4 = placeVms({
      hosts: [host('a', { capacity: { vcpu: 8, ram_mb: 65536, disk_gb: 1000 }, overcommit: { cpu: 4 } }), host('b')],
      vms,
      goal: 'pack',
    });
    expect(at4.hostsUsedAfter).toBe(1);
    const at1 = placeVms({
      hosts: [
        host('a', { capacity: { vcpu: 8, ram_mb: 65536, disk_gb: 1000 }, overcommit: { cpu: 1 } }),
        host('b', { overcommit: { cpu: 1 } }),
      ],
      vms,
      goal: 'pack',
    });
    // a holds 8 vCPU at 1:1: v1 (16) cannot stay there, and b (16 at 1:1) is full with v2; v1 stays, explained
    expect(at1.moves).toEqual([]);
    expect(at1.unplaceable.map((u) => [u.vm, u.host])).toEqual([['v1', 'a']]);
    expect(at1.unplaceable[0]?.reason).toBe(
      'no host it may use has room for it — a: too small even when empty (vcpu 16 asked, 8 usable); ' +
        'b: full (vcpu 16 asked, 0 free)',
    );
  });

  it('headroom: 20 % kept free of 100 GB leaves 80 GB, too little for a 90 GB VM', () => {
    const big = vm('big', null, 4, 92160);
    const kept = placeVms({
      hosts: [host('a', { capacity: { vcpu: 16, ram_mb: 102400, disk_gb: 1000 }, headroom: 0.2 })],
      vms: [big],
      goal: 'pack',
    });
    expect(kept.moves).toEqual([]);
    expect(kept.unplaceable).toEqual([
      {
        vm: 'big',
        host: null,
        reason: 'no host can ever take it — a: too small even when empty (ram_mb 92160 asked, 81920 usable)',
      },
    ]);
    const none = placeVms({
      hosts: [host('a', { capacity: { vcpu: 16, ram_mb: 102400, disk_gb: 1000 } })],
      vms: [big],
      goal: 'pack',
    });
    expect(none.moves).toEqual([{ vm: 'big', from: null, to: 'a' }]);
  });

  it('explains a VM that fits some host but finds every one full', () => {
    const plan = placeVms({
      hosts: [host('a'), host('b', { maintenance: true })],
      vms: [vm('v1', 'a', 30), vm('late', null, 4)],
      goal: 'spread',
    });
    expect(plan.unplaceable).toEqual([
      {
        vm: 'late',
        host: null,
        reason: 'no host it may use has room for it — a: full (vcpu 4 asked, 2 free); b: in maintenance',
      },
    ]);
  });

  it('spread halves the peak with the fewest moves, and leaves a balanced placement alone', () => {
    const input: PlacementInput = {
      hosts: [host('a'), host('b')],
      vms: [vm('v1', 'a'), vm('v2', 'a'), vm('v3', 'a'), vm('v4', 'a')],
      goal: 'spread',
    };
    const plan = placeVms(input);
    expect(plan.moves).toHaveLength(2);
    expect(plan.maxUtilisationBefore).toBe(0.5);
    expect(plan.maxUtilisationAfter).toBe(0.25);
    const balanced = placeVms({ ...input, vms: [vm('v1', 'a'), vm('v2', 'a'), vm('v3', 'b'), vm('v4', 'b')] });
    expect(balanced.moves).toEqual([]);
  });

  it('spread trades VMs when no single move lowers the peak', () => {
    // a: 12 + 12 = 24 of 32 vCPU (0.75), b: 8 + 8 = 16 (0.5). Moving a 12 over makes b 28 (0.875); trading a 12
    // for an 8 makes both 20 (0.625)
    const input: PlacementInput = {
      hosts: [host('a'), host('b')],
      vms: [vm('a1', 'a', 12, 1024), vm('a2', 'a', 12, 1024), vm('b1', 'b', 8, 1024), vm('b2', 'b', 8, 1024)],
      goal: 'spread',
    };
    const plan = placeVms(input);
    expect(plan.maxUtilisationBefore).toBe(0.75);
    expect(plan.maxUtilisationAfter).toBe(0.625);
    expect(plan.moves).toHaveLength(2);
    expect(plan.ordered).toBe(true);
  });

  it('base load counts against the host', () => {
    // 28 vCPU already used by guests the plan does not manage: a 8-vCPU VM no longer fits
    const plan = placeVms({
      hosts: [host('a', { baseLoad: { vcpu: 28 } }), host('b')],
      vms: [vm('v', null, 8)],
      goal: 'pack',
    });
    expect(plan.moves).toEqual([{ vm: 'v', from: null, to: 'b' }]);
  });

  it('refuses malformed input', () => {
    expect(() => placeVms({ hosts: [host('a'), host('a')], vms: [], goal: 'pack' })).toThrow(/listed twice/);
    expect(() => placeVms({ hosts: [host('a', { headroom: 1 })], vms: [], goal: 'pack' })).toThrow(/headroom/);
    expect(() => placeVms({ hosts: [], vms: [], goal: 'fill' as 'pack' })).toThrow(/goal/);
  });
});

describe('ordering a plan whose moves wait on each other', () => {
  // a and b are full (2 × 16 of 32 vCPU each); the result trades a1 and b1, so neither move fits before the other
  const hostsOf = (spare: boolean) => [host('a'), host('b'), ...(spare ? [host('c')] : [])];
  const vmsFull = [vm('a1', 'a', 16), vm('a2', 'a', 16), vm('b1', 'b', 16), vm('b2', 'b', 16)];
  const traded = (spare: boolean) => {
    const input: PlacementInput = { hosts: hostsOf(spare), vms: vmsFull, goal: 'spread' };
    const p = new Placement(input);
    const final: Record<string, string> = { a1: 'b', a2: 'a', b1: 'a', b2: 'b' };
    input.vms.forEach((v, i) =>
      p.place(
        i,
        input.hosts.findIndex((h) => h.id === final[v.id]),
      ),
    );
    return { input, result: orderedMoves(input, p) };
  };
  /** Replays moves from the input placement and returns the first that overfills its target, if any. */
  const overfill = (input: PlacementInput, moves: Move[]) => {
    const load = new Map(input.hosts.map((h) => [h.id, 0]));
    const at = new Map(input.vms.map((v) => [v.id, v.host as string]));
    for (const v of input.vms) load.set(v.host as string, (load.get(v.host as string) ?? 0) + v.demand.vcpu);
    const demand = new Map(input.vms.map((v) => [v.id, v.demand.vcpu]));
    for (const m of moves) {
      expect(m.from).toBe(at.get(m.vm));
      load.set(m.from as string, (load.get(m.from as string) ?? 0) - (demand.get(m.vm) ?? 0));
      load.set(m.to, (load.get(m.to) ?? 0) + (demand.get(m.vm) ?? 0));
      at.set(m.vm, m.to);
      if ((load.get(m.to) ?? 0) > 32) return m;
    }
    return null;
  };

  it('parks one VM on a spare host, then finishes the trade', () => {
    const { input, result } = traded(true);
    expect(result.ordered).toBe(true);
    expect(result.moves).toEqual([
      { vm: 'a1', from: 'a', to: 'c', temporary: true },
      { vm: 'b1', from: 'b', to: 'a' },
      { vm: 'a1', from: 'c', to: 'b' },
    ]);
    expect(overfill(input, result.moves)).toBeNull();
  });

  it('says the moves are not ordered when no host can hold one of them meanwhile', () => {
    const { input, result } = traded(false);
    expect(result.ordered).toBe(false);
    expect(result.moves.map((m) => m.vm)).toEqual(['a1', 'b1']);
    expect(result.moves.some((m) => m.temporary)).toBe(false);
    expect(overfill(input, result.moves)).not.toBeNull();
  });

  it('a spare host too small for any VM of the cycle does not help', () => {
    // c: 4 cores at 2:1 = 8 vCPU, the cycle's VMs ask 16 each
    const input: PlacementInput = {
      hosts: [host('a'), host('b'), host('c', { capacity: { vcpu: 4, ram_mb: 65536, disk_gb: 1000 } })],
      vms: vmsFull,
      goal: 'spread',
    };
    const p = new Placement(input);
    const final: Record<string, string> = { a1: 'b', a2: 'a', b1: 'a', b2: 'b' };
    input.vms.forEach((v, i) =>
      p.place(
        i,
        input.hosts.findIndex((h) => h.id === final[v.id]),
      ),
    );
    const { moves, ordered } = orderedMoves(input, p);
    expect(ordered).toBe(false);
    expect(moves.some((m) => m.temporary)).toBe(false);
  });
});

/**
 * The fuzz budget: `ANNEX_FUZZ_RUNS` is the total number of generated inputs across test/fuzz
 * (default 24,000, a few seconds inside `npm test`; `npm run fuzz` sets 1,000,000). Each
 * property takes its share; `limits` hold the per-input time bound and the heap bound.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Total inputs for this run. */
export const TOTAL_FUZZ_RUNS: number = Math.max(1, Number(process.env.ANNEX_FUZZ_RUNS ?? 24_000));

/** Runs for a property that gets `share` (0..1) of the budget. */
export function fuzzRuns(share: number): number {
  return Math.max(1, Math.ceil(TOTAL_FUZZ_RUNS * share));
}

/** A test timeout for a property with `share` of the budget: 60 s, or 10 ms per input if more. */
export function fuzzTimeout(share: number): number {
  return Math.max(60_000, fuzzRuns(share) * 10);
}

/** The seed of every property (ANNEX_FUZZ_SEED), so a failure can be replayed; random when unset. */
export const FUZZ_SEED: number | undefined =
  process.env.ANNEX_FUZZ_SEED === undefined ? undefined : Number(process.env.ANNEX_FUZZ_SEED);

/** fast-check parameters for a property with `share` of the budget. */
export function fuzzParameters(share: number): { numRuns: number; seed?: number } {
  return { numRuns: fuzzRuns(share), ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) };
}

/**
 * No single input may take more CPU time than this. CPU time, not wall time: on a busy machine
 * the scheduler alone can stall a process for seconds, which says nothing about the code.
 */
export const MAX_MS_PER_INPUT = 2_000;

/** CPU time (user + system) of this process in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Retained heap may grow at most this much over a whole property run. */
export const MAX_HEAP_GROWTH_BYTES = 64 * 1024 * 1024;

let gcFunction: (() => void) | undefined;

/** A full garbage collection (V8's gc, exposed at run time without a command-line flag). */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString("--expose-gc");
    gcFunction = runInNewContext("gc") as () => void;
  }
  gcFunction();
}

/** Heap in use after a full collection: what the process really retains. */
export function retainedHeap(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Inputs before the heap baseline is taken (lazy compilation, caches and JIT settle first). */
const WARM_UP_INPUTS = 200;

/**
 * Wraps a per-input check with the time bound and records the slowest input; `heapGrowth()`
 * is the retained heap's growth since the warm-up ended: steady growth there is a leak.
 */
export class FuzzMeter {
  inputs = 0;
  slowestMs = 0;
  slowestInput = "";
  #heapAtStart: number | undefined;

  /** Takes the baseline now (otherwise it is taken after the warm-up inputs). */
  start(): void {
    this.#heapAtStart = retainedHeap();
  }

  /** Runs `check(input)`, timing its CPU time; throws when it exceeds the bound. */
  time<T>(input: T, check: (input: T) => void): void {
    const started = cpuMs();
    check(input);
    const ms = cpuMs() - started;
    this.inputs++;
    if (this.inputs === WARM_UP_INPUTS) this.#heapAtStart = retainedHeap();
    if (ms > this.slowestMs) {
      this.slowestMs = ms;
      this.slowestInput = JSON.stringify(input, (_key, v: unknown) =>
        typeof v === "bigint" ? `${v}n` : v,
      ).slice(0, 200);
    }
    if (ms > MAX_MS_PER_INPUT) {
      throw new Error(`input took ${ms.toFixed(0)} ms (bound ${MAX_MS_PER_INPUT} ms): ${this.slowestInput}`);
    }
  }

  /** Heap growth since start (bytes). */
  heapGrowth(): number {
    return this.#heapAtStart === undefined ? 0 : retainedHeap() - this.#heapAtStart;
  }
}

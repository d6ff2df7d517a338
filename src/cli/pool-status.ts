import { shellQuote } from "../../templates/bootstrap.js";
import type { ClassAd } from "../classad/classad.js";
import { Evaluator } from "../classad/evaluate.js";
import { readQueue } from "./queue-query.js";

/**
 * The pool's side of `condor-annex status`: which annex instances have joined the pool, and
 * whether their slots are claimed — read from the collector with `condor_status`, as classic
 * `condor_annex -status` merged `condor_status -annex` into its report. Instances are joined to
 * slots by `EC2InstanceID`, which the bootstrap has every annex startd advertise.
 */

/** The attributes read from each annex slot ad. */
export const POOL_ATTRIBUTES = [
  "Name",
  "EC2InstanceID",
  "AnnexName",
  "State",
  "Activity",
  "SlotType",
] as const;

/** The collector query, a shell command printing long-form slot ads of annex instances. */
export const POOL_COMMAND = `condor_status -startd -constraint ${shellQuote("IsAnnex =?= true")} -long -attributes ${shellQuote(POOL_ATTRIBUTES.join(","))}`;

/** What the collector says of one instance. */
export interface InstanceInPool {
  readonly annexName: string | undefined;
  /** Slot ads of this instance. */
  readonly slots: number;
  /** Of them, claimed (running or about to run a job). */
  readonly claimed: number;
}

/** What the collector says of the annexes, by instance id; or why it could not be asked. */
export type PoolView =
  | { readonly ok: true; readonly instances: ReadonlyMap<string, InstanceInPool> }
  | { readonly ok: false; readonly error: string };

function stringOf(evaluator: Evaluator, ad: ClassAd, name: string): string | undefined {
  const value = evaluator.evaluateAttribute(ad, name);
  return value.kind === "string" ? value.value : undefined;
}

/** Folds slot ads into a per-instance view (slots without EC2InstanceID are ignored). */
export function poolView(slots: Iterable<ClassAd>): Map<string, InstanceInPool> {
  const evaluator = new Evaluator();
  const instances = new Map<string, InstanceInPool>();
  for (const slot of slots) {
    const id = stringOf(evaluator, slot, "EC2InstanceID");
    if (id === undefined) continue;
    const known = instances.get(id);
    const claimed = stringOf(evaluator, slot, "State") === "Claimed" ? 1 : 0;
    instances.set(id, {
      annexName: known?.annexName ?? stringOf(evaluator, slot, "AnnexName"),
      slots: (known?.slots ?? 0) + 1,
      claimed: (known?.claimed ?? 0) + claimed,
    });
  }
  return instances;
}

/** Asks the collector. Never rejects: a failing condor_status is reported in the view. */
export async function readPool(
  command = POOL_COMMAND,
  options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): Promise<PoolView> {
  const slots: ClassAd[] = [];
  try {
    await readQueue(command, (ad) => slots.push(ad), {
      label: "condor_status",
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, instances: poolView(slots) };
}

/** One instance's pool cell: `claimed 2/2`, `idle`, or `not joined`. */
export function poolCell(instance: InstanceInPool | undefined): string {
  if (instance === undefined) return "not joined";
  return instance.claimed > 0 ? `claimed ${instance.claimed}/${instance.slots}` : "idle";
}

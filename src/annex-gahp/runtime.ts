import type { LeasePeriodSeconds } from "../../templates/index.js";
import type { DemandController } from "../annex/demand/controller.js";
import { errorCodeOf } from "../annex/errors.js";
import type { AnnexOperations } from "../annex/operations.js";
import { redact } from "../annex/redact.js";
import type { AnnexDefaults } from "../annex/types.js";
import type { ApiCallCounter } from "../aws/call-counter.js";
import type { KnobSource } from "../condor/knobs.js";
import type { ClassAdOutcome } from "../gahp/classad-command.js";
import type { GahpStatistics } from "../gahp/statistics.js";

/**
 * What the annex commands share inside one helper: configuration (knobs read on first use, not
 * at startup), the AWS clients, the annex operations and the demand loop. Built lazily by the
 * first annex command, so the banner and the standard commands never wait for it.
 */

/** The failure of a command for a reason that has a code (configuration, mostly). */
export class CommandFailure extends Error {
  override readonly name = "CommandFailure";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failed outcome from anything a command threw; messages are scrubbed of secrets. */
export function failureOutcome<Ad>(error: unknown): ClassAdOutcome<Ad> {
  const code = error instanceof CommandFailure ? error.code : errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, code, message: redact(message) };
}

/**
 * Runs a command's work with the helper's runtime (built on first use). Whatever it throws — a
 * configuration problem, an AWS error — becomes the failed outcome `1 <CODE> <message>`, redacted.
 */
export async function withRuntime<Ad>(
  loader: RuntimeLoader,
  work: (runtime: AnnexRuntime) => Promise<ClassAdOutcome<Ad>>,
): Promise<ClassAdOutcome<Ad>> {
  try {
    return await work(await loader.get());
  } catch (error) {
    return failureOutcome(error);
  }
}

/** Knob names of the commands (besides the request defaults of src/annex). */
export const COMMAND_KNOBS = {
  leaseFunctionZip: "ANNEX_LEASE_FUNCTION_ZIP",
  leaseAlarmPeriod: "ANNEX_LEASE_ALARM_PERIOD",
  snapshotMaxAge: "ANNEX_SNAPSHOT_MAX_AGE",
  heartbeatInterval: "ANNEX_HEARTBEAT_INTERVAL",
  rampAttenuation: "ANNEX_DEMAND_RAMP_ATTENUATION",
  rampMinStep: "ANNEX_DEMAND_RAMP_MIN_STEP",
  offeringBlock: "ANNEX_OFFERING_BLOCK_SECONDS",
  instanceTypeCache: "ANNEX_INSTANCE_TYPE_CACHE",
  stateCache: "ANNEX_DEMAND_STATE_CACHE",
  stackPollInterval: "ANNEX_STACK_POLL_INTERVAL",
} as const;

/** Everything the commands use. */
export interface AnnexRuntime {
  readonly defaults: AnnexDefaults;
  /** This helper's pool, or undefined when no knob names one. */
  readonly pool: string | undefined;
  readonly ops: AnnexOperations;
  readonly demand: DemandController;
  readonly counter: ApiCallCounter;
  readonly leaseFunctionZipPath: string | undefined;
  readonly leasePeriodSeconds: LeasePeriodSeconds | undefined;
}

/** The pool id, or the E_CONFIG failure that says how to set one. */
export function requirePool(runtime: AnnexRuntime): string {
  if (runtime.pool === undefined) {
    throw new CommandFailure(
      "E_CONFIG",
      "no pool id: set ANNEX_POOL (or ANNEX_COLLECTOR / COLLECTOR_HOST) so this helper can tell its annexes from other pools'",
    );
  }
  return runtime.pool;
}

/** Dependencies of the runtime. */
export interface RuntimeDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly statistics: GahpStatistics;
  readonly log: (message: string) => void;
  /** Knob source (default: `_CONDOR_*` from `env`, then condor_config_val). */
  readonly knobs?: KnobSource;
}

/** Builds the runtime once, on first use; a failed build is retried by the next command. */
export class RuntimeLoader {
  #runtime: Promise<AnnexRuntime> | undefined;

  constructor(private readonly deps: RuntimeDeps) {}

  get(): Promise<AnnexRuntime> {
    if (this.#runtime === undefined) {
      // The annex engine, the demand loop and the SDK factory load with the first annex command.
      const building = import("./runtime-build.js").then(({ buildRuntime }) => buildRuntime(this.deps));
      this.#runtime = building;
      building.catch(() => {
        if (this.#runtime === building) this.#runtime = undefined;
      });
    }
    return this.#runtime;
  }
}

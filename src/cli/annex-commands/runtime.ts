import type { LeasePeriodSeconds } from "../../../templates/index.js";
import {
  DEFAULT_DEMAND_SETTINGS,
  DemandController,
  type DemandSettings,
} from "../../annex/demand/controller.js";
import {
  type AnnexDefaults,
  AnnexError,
  AnnexOperations,
  errorCodeOf,
  loadAnnexDefaults,
  poolIdFromKnobs,
  redact,
  tokenSourceFromKnobs,
} from "../../annex/index.js";
import { ApiCallCounter, AwsClients } from "../../aws/index.js";
import type { ClassAdOutcome } from "../../gahp/classad-command.js";
import type { GahpStatistics } from "../../gahp/statistics.js";
import { HTCondorKnobs, type KnobSource } from "../knobs.js";

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

/** Counts AWS calls into the helper's STATISTICS too (NumRequests, NumDistinctRequests). */
class StatisticsCallCounter extends ApiCallCounter {
  constructor(private readonly statistics: GahpStatistics) {
    super();
  }

  override record(operation: string, kind: "call" | "attempt"): void {
    super.record(operation, kind);
    if (kind === "call") this.statistics.recordRequest(operation);
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

async function numberKnob(
  knobs: KnobSource,
  name: string,
  fallback: number,
  check: (n: number) => boolean,
  form: string,
): Promise<number> {
  const text = (await knobs.get(name))?.trim();
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) {
    throw new CommandFailure(
      "E_CONFIG",
      `configuration knob ${name} = "${text}" is invalid: expected ${form}`,
    );
  }
  return n;
}

/** Reads the demand tunables from knobs (seconds in, milliseconds out). */
export async function demandSettingsFromKnobs(knobs: KnobSource): Promise<DemandSettings> {
  const d = DEFAULT_DEMAND_SETTINGS;
  const positive = (n: number) => n > 0;
  const seconds = async (name: string, fallbackMs: number) =>
    (await numberKnob(knobs, name, fallbackMs / 1000, positive, "a number of seconds > 0")) * 1000;
  return {
    ...d,
    snapshotMaxAgeMs: await seconds(COMMAND_KNOBS.snapshotMaxAge, d.snapshotMaxAgeMs),
    heartbeatIntervalMs: await seconds(COMMAND_KNOBS.heartbeatInterval, d.heartbeatIntervalMs),
    offeringBlockMs: await seconds(COMMAND_KNOBS.offeringBlock, d.offeringBlockMs),
    instanceTypeCacheMs: await seconds(COMMAND_KNOBS.instanceTypeCache, d.instanceTypeCacheMs),
    stateCacheMs:
      (await numberKnob(
        knobs,
        COMMAND_KNOBS.stateCache,
        d.stateCacheMs / 1000,
        (n) => n >= 0,
        "a number of seconds ≥ 0",
      )) * 1000,
    ramp: {
      attenuation: await numberKnob(
        knobs,
        COMMAND_KNOBS.rampAttenuation,
        d.ramp.attenuation,
        (n) => n >= 1,
        "a number ≥ 1",
      ),
      minStep: await numberKnob(
        knobs,
        COMMAND_KNOBS.rampMinStep,
        d.ramp.minStep,
        (n) => Number.isInteger(n) && n >= 1,
        "an integer ≥ 1",
      ),
    },
  };
}

/** Dependencies of the runtime. */
export interface RuntimeDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly statistics: GahpStatistics;
  readonly log: (message: string) => void;
  /** Knob source (default: `_CONDOR_*` from `env`, then condor_config_val). */
  readonly knobs?: KnobSource;
}

async function buildRuntime(deps: RuntimeDeps): Promise<AnnexRuntime> {
  const knobs = deps.knobs ?? new HTCondorKnobs({ env: deps.env });
  let defaults: AnnexDefaults;
  try {
    defaults = await loadAnnexDefaults(knobs);
  } catch (error) {
    if (error instanceof AnnexError) throw new CommandFailure("E_CONFIG", error.message);
    throw error;
  }
  const pool = await poolIdFromKnobs(knobs);
  const tokenSource = await tokenSourceFromKnobs(knobs);
  const period = await numberKnob(
    knobs,
    COMMAND_KNOBS.leaseAlarmPeriod,
    60,
    (n) => n === 10 || n === 30 || n === 60,
    "10, 30 or 60",
  );
  const pollSeconds = await numberKnob(
    knobs,
    COMMAND_KNOBS.stackPollInterval,
    5,
    (n) => n > 0,
    "a number of seconds > 0",
  );
  const settings = await demandSettingsFromKnobs(knobs);
  const leasePeriodSeconds = period === 60 ? undefined : (period as LeasePeriodSeconds);
  const counter = new StatisticsCallCounter(deps.statistics);
  const clients = new AwsClients({ region: defaults.region, callCounter: counter }, deps.env);
  const ops = new AnnexOperations({
    clients,
    defaults,
    pool: pool ?? "",
    ...(tokenSource === undefined ? {} : { tokenSource }),
    log: deps.log,
    polling: { intervalMs: pollSeconds * 1000, timeoutMs: 540_000 },
  });
  const demand = new DemandController({
    ops,
    defaults,
    settings: { ...settings, ...(leasePeriodSeconds === undefined ? {} : { leasePeriodSeconds }) },
    log: deps.log,
  });
  const zip = (await knobs.get(COMMAND_KNOBS.leaseFunctionZip))?.trim();
  deps.log(
    `annex commands configured: region ${defaults.region}, pool ${pool ?? "(none)"}, token ${tokenSource?.kind ?? "(none)"}, snapshot max age ${settings.snapshotMaxAgeMs / 1000} s, heartbeat every ${settings.heartbeatIntervalMs / 1000} s`,
  );
  return {
    defaults,
    pool,
    ops,
    demand,
    counter,
    leaseFunctionZipPath: zip === undefined || zip === "" ? undefined : zip,
    leasePeriodSeconds,
  };
}

/** Builds the runtime once, on first use; a failed build is retried by the next command. */
export class RuntimeLoader {
  #runtime: Promise<AnnexRuntime> | undefined;

  constructor(private readonly deps: RuntimeDeps) {}

  get(): Promise<AnnexRuntime> {
    if (this.#runtime === undefined) {
      const building = buildRuntime(this.deps);
      this.#runtime = building;
      building.catch(() => {
        if (this.#runtime === building) this.#runtime = undefined;
      });
    }
    return this.#runtime;
  }
}

import type { LeasePeriodSeconds } from "../../templates/index.js";
import {
  DEFAULT_DEMAND_SETTINGS,
  DemandController,
  type DemandSettings,
} from "../annex/demand/controller.js";
import {
  type AnnexDefaults,
  AnnexError,
  AnnexOperations,
  loadAnnexDefaults,
  poolIdFromKnobs,
  tokenSourceFromKnobs,
} from "../annex/index.js";
import { ApiCallCounter, AwsAnnexCloud, AwsClients } from "../aws/index.js";
import { HTCondorKnobs, type KnobSource } from "../condor/knobs.js";
import type { GahpStatistics } from "../gahp/statistics.js";
import { type AnnexRuntime, COMMAND_KNOBS, CommandFailure, type RuntimeDeps } from "./runtime.js";

/**
 * Builds the annex commands' runtime from knobs: request defaults, pool, token source, demand
 * tunables, the AWS client factory (counting calls into STATISTICS), the operations and the
 * demand loop. Loaded by the first annex command (see RuntimeLoader).
 */

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

/** Reads the configuration and builds the runtime. */
export async function buildRuntime(deps: RuntimeDeps): Promise<AnnexRuntime> {
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
    cloud: new AwsAnnexCloud(clients),
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

import { BUILTIN_DEFAULTS, KNOBS, LIMITS } from "./constants.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";
import { parseImageRef } from "./request.js";
import type { AnnexDefaults } from "./types.js";

/**
 * Request defaults from HTCondor configuration knobs. A knob is read through a
 * {@link KnobReader} (the CLI passes one backed by `_CONDOR_*` variables and condor_config_val);
 * {@link environmentKnobs} reads `_CONDOR_<KNOB>` alone.
 *
 * | knob | request attribute | unit / form | built-in default |
 * |---|---|---|---|
 * | ANNEX_DEFAULT_AWS_REGION | Region | region name | us-east-1 |
 * | ANNEX_DEFAULT_INSTANCE_TYPES (else ANNEX_DEFAULT_ODI_INSTANCE_TYPE) | InstanceTypes | comma list | m6i.large |
 * | ANNEX_DEFAULT_MAX_INSTANCES | MaxInstances | integer | 10 |
 * | ANNEX_DEFAULT_SPOT | Spot | boolean | false |
 * | ANNEX_DEFAULT_ON_DEMAND_BASE | OnDemandBase | integer | 0 |
 * | ANNEX_DEFAULT_LEASE_DURATION | LeaseMinutes | seconds (HTCondor's unit) | 1200 (20 min) |
 * | ANNEX_DEFAULT_MAX_HOURS | MaxHours | hours | 8 |
 * | ANNEX_DEFAULT_UNCLAIMED_TIMEOUT | IdleMinutes | seconds (HTCondor's unit) | 900 (15 min) |
 * | ANNEX_DEFAULT_IMAGE_ID (else ANNEX_DEFAULT_ODI_IMAGE_ID) | ImageId | AMI id or SSM path | AL2023 SSM path |
 * | ANNEX_DEFAULT_SUBNETS | Subnets | comma list | (default VPC) |
 * | ANNEX_DEFAULT_OWNER | Owner | user name(s) | (no restriction) |
 * | ANNEX_COLLECTOR, else COLLECTOR_HOST | CollectorHost | host[:port] | (required) |
 */

/** Reads one knob; undefined when unset. Structurally compatible with the CLI's KnobSource. */
export interface KnobReader {
  get(name: string): Promise<string | undefined> | string | undefined;
}

/** Knobs from `_CONDOR_<KNOB>` environment variables only (names case-insensitive). */
export function environmentKnobs(env: NodeJS.ProcessEnv = process.env): KnobReader {
  const byName = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && key.toUpperCase().startsWith("_CONDOR_")) {
      byName.set(key.slice("_CONDOR_".length).toUpperCase(), value);
    }
  }
  return { get: (name) => byName.get(name.toUpperCase()) };
}

function knobError(knob: string, value: string, form: string): AnnexError {
  return new AnnexError(
    ANNEX_ERROR_CODES.invalidRequest,
    `configuration knob ${knob} = "${value}" is invalid: expected ${form}`,
  );
}

function parseInteger(knob: string, value: string, min: number, max: number): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < min || n > max)
    throw knobError(knob, value, `an integer from ${min} to ${max}`);
  return n;
}

function parseBoolean(knob: string, value: string): boolean {
  const text = value.trim().toLowerCase();
  if (["true", "yes", "1", "t", "y"].includes(text)) return true;
  if (["false", "no", "0", "f", "n"].includes(text)) return false;
  throw knobError(knob, value, "true or false");
}

function parseList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * Loads {@link AnnexDefaults} from the knobs in the table above. A knob set to a malformed
 * value is an error naming the knob and the expected form (a typo must not silently fall back).
 */
export async function loadAnnexDefaults(knobs: KnobReader = environmentKnobs()): Promise<AnnexDefaults> {
  const read = async (name: string): Promise<string | undefined> => {
    const value = await knobs.get(name);
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };

  const region = (await read(KNOBS.region)) ?? BUILTIN_DEFAULTS.region;
  const typesText = (await read(KNOBS.instanceTypes)) ?? (await read(KNOBS.classicInstanceType));
  const maxInstancesText = await read(KNOBS.maxInstances);
  const spotText = await read(KNOBS.spot);
  const baseText = await read(KNOBS.onDemandBase);
  const leaseText = await read(KNOBS.leaseDuration);
  const maxHoursText = await read(KNOBS.maxHours);
  const idleText = await read(KNOBS.unclaimedTimeout);
  const imageText = (await read(KNOBS.imageId)) ?? (await read(KNOBS.classicImageId));
  const subnetsText = await read(KNOBS.subnets);
  const owner = await read(KNOBS.owner);
  const collectorHost = (await read(KNOBS.collector)) ?? (await read(KNOBS.collectorHost));

  let maxHours: number = BUILTIN_DEFAULTS.maxHours;
  if (maxHoursText !== undefined) {
    maxHours = Number(maxHoursText);
    if (!Number.isFinite(maxHours) || maxHours <= 0 || maxHours > LIMITS.maxHours) {
      throw knobError(
        KNOBS.maxHours,
        maxHoursText,
        `a number of hours greater than 0 and at most ${LIMITS.maxHours}`,
      );
    }
  }
  const imageSource = imageText ?? BUILTIN_DEFAULTS.imageId;
  const image = parseImageRef(imageSource);
  if (image === undefined) {
    throw knobError(KNOBS.imageId, imageSource, "an AMI id or an SSM parameter path");
  }
  const leaseSeconds =
    leaseText === undefined
      ? BUILTIN_DEFAULTS.leaseMinutes * 60
      : parseInteger(
          KNOBS.leaseDuration,
          leaseText,
          LIMITS.leaseMinutes.min * 60,
          LIMITS.leaseMinutes.max * 60,
        );
  const idleSeconds =
    idleText === undefined
      ? BUILTIN_DEFAULTS.idleMinutes * 60
      : parseInteger(KNOBS.unclaimedTimeout, idleText, 60, LIMITS.idleMinutes * 60);

  return {
    region,
    instanceTypes: typesText === undefined ? [...BUILTIN_DEFAULTS.instanceTypes] : parseList(typesText),
    maxInstances:
      maxInstancesText === undefined
        ? BUILTIN_DEFAULTS.maxInstances
        : parseInteger(KNOBS.maxInstances, maxInstancesText, 1, LIMITS.maxInstances),
    spot: spotText === undefined ? BUILTIN_DEFAULTS.spot : parseBoolean(KNOBS.spot, spotText),
    onDemandBase:
      baseText === undefined
        ? BUILTIN_DEFAULTS.onDemandBase
        : parseInteger(KNOBS.onDemandBase, baseText, 0, LIMITS.maxInstances),
    // The lease window is whole minutes (one-minute alarm periods); round up, never shorten it.
    leaseMinutes: Math.ceil(leaseSeconds / 60),
    maxHours,
    idleMinutes: Math.ceil(idleSeconds / 60),
    image,
    subnets: subnetsText === undefined ? [] : parseList(subnetsText),
    owner,
    collectorHost,
  };
}

/**
 * This helper's pool id (the `htcondor:pool` tag of its annexes): ANNEX_POOL, else the collector
 * (ANNEX_COLLECTOR, then COLLECTOR_HOST). Undefined when none is set: the helper cannot tell its
 * annexes from another pool's, so the caller must refuse to manage any.
 */
export async function poolIdFromKnobs(knobs: KnobReader = environmentKnobs()): Promise<string | undefined> {
  for (const name of [KNOBS.pool, KNOBS.collector, KNOBS.collectorHost]) {
    const value = (await knobs.get(name))?.trim();
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

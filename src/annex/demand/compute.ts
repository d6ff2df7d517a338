import type { ClassAd } from "../../classad/classad.js";
import { Evaluator } from "../../classad/evaluate.js";
import { isMatchValue } from "../../classad/match.js";
import { unparse } from "../../classad/unparse.js";
import type { Value } from "../../classad/value.js";
import { canonicalRequest } from "../canonical.js";
import type { AnnexRequest, RequestValidation } from "../types.js";
import { nextDesiredCapacity, type RampPolicy } from "./damping.js";
import { packJobs } from "./packing.js";
import { slotAd } from "./slot-ad.js";
import type { InstanceTypeInfo, JobNeed } from "./types.js";

/**
 * Demand: from a queue snapshot to, per annex, how many jobs want it, how many instances they
 * need and what to do. Pure: every input (instance data, blocked types, the annexes that exist,
 * the ramp policy) is passed in, so each rule is tested without AWS.
 *
 *   jobs ──group by AnnexRequest.Name──▶ groups (reference request, conflicts, invalid requests)
 *        ──status filter──▶ idle, or running on this annex (MachineAttrAnnexName0)
 *        ──symmetric match against one slot ad per instance type──▶ matched / unmatched
 *        ──Request* in the match context──▶ pack onto the usable types ──▶ cap ──▶ damp
 */

/** HTCondor's JobStatus values that matter here. */
export const JOB_STATUS = { idle: 1, running: 2 } as const;

/** The job attribute HTCondor sets from the machine's AnnexName (SYSTEM_JOB_MACHINE_ATTRS). */
export const RUNNING_ANNEX_ATTRIBUTE = "MachineAttrAnnexName0";

/** How many job ids a report lists (counts are always complete). */
export const MAX_REPORTED_JOB_IDS = 100;

/** Validates a job's nested AnnexRequest ad (with the configured defaults). */
export type RequestResolver = (requestAd: ClassAd) => RequestValidation;

/** What is known about an annex that already exists (from its stack and group). */
export interface ExistingAnnex {
  readonly name: string;
  readonly region: string;
  readonly stackStatus: string;
  /** The request rebuilt from the stack tags, when readable. */
  readonly request: AnnexRequest | undefined;
  /** The group's desired capacity now (undefined when the group is not there yet). */
  readonly desiredCapacity: number | undefined;
}

/** One job that counts towards an annex (before matchmaking). */
export interface CandidateJob {
  readonly jobId: string;
  readonly ad: ClassAd;
  readonly state: "idle" | "running";
  /** Whether the job's own request differs from the annex's reference request. */
  readonly conflicting: boolean;
}

/** The jobs of one annex name. */
export interface AnnexJobGroup {
  readonly name: string;
  /** The request that defines the annex: the existing stack's, else the one most jobs carry. */
  readonly reference: AnnexRequest | undefined;
  readonly referenceSource: "existing" | "jobs" | "none";
  /** Idle jobs and jobs running on this annex, with a valid request. */
  readonly candidates: readonly CandidateJob[];
  /** Ids of jobs whose request differs from the reference (reported, never merged). */
  readonly conflictingJobIds: readonly string[];
  /** What differs, e.g. `MaxInstances: 4 vs 10`, when there are conflicting jobs. */
  readonly conflict: string | undefined;
  /** Jobs naming this annex whose request does not validate. */
  readonly invalidJobs: readonly { readonly jobId: string; readonly error: string }[];
  /** Jobs naming this annex that are neither idle nor running on it (held, running elsewhere…). */
  readonly otherJobs: number;
}

/** The snapshot grouped by annex name. */
export interface GroupedJobs {
  readonly groups: ReadonlyMap<string, AnnexJobGroup>;
  readonly jobCount: number;
  /** Jobs without an AnnexRequest ad whose own Name is a string. */
  readonly ignoredJobs: number;
}

/** The job id `ClusterId.ProcId`, or `#<index>` when the ad lacks them. */
export function jobIdOf(job: ClassAd, index: number, evaluator: Evaluator): string {
  const cluster = evaluator.evaluateAttribute(job, "ClusterId");
  const proc = evaluator.evaluateAttribute(job, "ProcId");
  if (cluster.kind === "integer" && proc.kind === "integer") return `${cluster.value}.${proc.value}`;
  return `#${index}`;
}

/**
 * The job's AnnexRequest ad and its Name, read from the nested ad's **own** attributes: `Name`
 * must be defined inside the request (a selection `AnnexRequest.Name` would fall back to the job
 * ad's own `Name`).
 */
export function annexRequestOf(
  job: ClassAd,
  evaluator: Evaluator,
): { readonly ad: ClassAd; readonly name: string } | undefined {
  if (!job.has("AnnexRequest")) return undefined;
  const value = evaluator.evaluateAttribute(job, "AnnexRequest");
  if (value.kind !== "classad" || !value.ad.has("Name")) return undefined;
  const name = evaluator.evaluateAttribute(value.ad, "Name");
  if (name.kind !== "string" || name.value === "") return undefined;
  return { ad: value.ad, name: name.value };
}

function integerOf(value: Value): number | undefined {
  if (value.kind === "integer") return Number(value.value);
  if (value.kind === "real" && Number.isFinite(value.value)) return Math.trunc(value.value);
  return undefined;
}

function stringOf(value: Value): string | undefined {
  return value.kind === "string" ? value.value : undefined;
}

interface Entry {
  readonly jobId: string;
  readonly ad: ClassAd;
  readonly state: "idle" | "running" | "other";
  readonly request: AnnexRequest;
  readonly canonical: string;
}

/** What differs between two canonical request forms, attribute by attribute. */
export function describeConflict(reference: string, other: string): string {
  const a = JSON.parse(reference) as Record<string, unknown>;
  const b = JSON.parse(other) as Record<string, unknown>;
  const differences: string[] = [];
  for (const key of Object.keys(a)) {
    const left = JSON.stringify(a[key]);
    const right = JSON.stringify(b[key]);
    if (left !== right) differences.push(`${key}: ${left} vs ${right}`);
  }
  return differences.join(", ");
}

/**
 * Groups the snapshot's jobs by `AnnexRequest.Name`, validates each distinct request once,
 * chooses each annex's reference request (the existing stack's; else the request most of the
 * counted jobs carry, ties to the first seen) and marks jobs whose request differs as
 * conflicting — reported, never merged into the reference.
 */
export function groupJobsByAnnex(
  jobs: readonly ClassAd[],
  resolve: RequestResolver,
  existing: ReadonlyMap<string, ExistingAnnex>,
  evaluator: Evaluator = new Evaluator(),
  /** Validations by request text, kept across snapshots by the caller (requests repeat). */
  validations: Map<string, RequestValidation> = new Map(),
): GroupedJobs {
  const entries = new Map<string, Entry[]>();
  const invalid = new Map<string, { jobId: string; error: string }[]>();
  let ignoredJobs = 0;
  jobs.forEach((job, index) => {
    const found = annexRequestOf(job, evaluator);
    if (found === undefined) {
      ignoredJobs++;
      return;
    }
    const jobId = jobIdOf(job, index, evaluator);
    // Jobs of one submission carry the same request: validate each distinct text once.
    const text = unparse(found.ad.toRecord());
    let validation = validations.get(text);
    if (validation === undefined) {
      validation = resolve(found.ad);
      validations.set(text, validation);
    }
    if (!validation.ok) {
      const list = invalid.get(found.name) ?? [];
      list.push({
        jobId,
        error: validation.issues.map((issue) => `${issue.attribute}: ${issue.message}`).join("; "),
      });
      invalid.set(found.name, list);
      return;
    }
    const status = integerOf(evaluator.evaluateAttribute(job, "JobStatus"));
    const runningOn = stringOf(evaluator.evaluateAttribute(job, RUNNING_ANNEX_ATTRIBUTE));
    const state =
      status === JOB_STATUS.idle
        ? "idle"
        : status === JOB_STATUS.running && runningOn === found.name
          ? "running"
          : "other";
    const list = entries.get(found.name) ?? [];
    list.push({
      jobId,
      ad: job,
      state,
      request: validation.request,
      canonical: canonicalRequest(validation.request),
    });
    entries.set(found.name, list);
  });

  const groups = new Map<string, AnnexJobGroup>();
  const names = new Set([...entries.keys(), ...invalid.keys()]);
  for (const name of names) {
    const list = entries.get(name) ?? [];
    const counted = list.filter((entry) => entry.state !== "other");
    const existingRequest = existing.get(name)?.request;
    let reference: AnnexRequest | undefined;
    let referenceSource: AnnexJobGroup["referenceSource"] = "none";
    if (existingRequest !== undefined) {
      reference = existingRequest;
      referenceSource = "existing";
    } else {
      const pool = counted.length > 0 ? counted : list;
      const votes = new Map<string, { count: number; request: AnnexRequest }>();
      for (const entry of pool) {
        const vote = votes.get(entry.canonical) ?? { count: 0, request: entry.request };
        vote.count++;
        votes.set(entry.canonical, vote);
      }
      let best: { count: number; request: AnnexRequest } | undefined;
      for (const vote of votes.values()) if (best === undefined || vote.count > best.count) best = vote;
      if (best !== undefined) {
        reference = best.request;
        referenceSource = "jobs";
      }
    }
    const referenceCanonical = reference === undefined ? undefined : canonicalRequest(reference);
    const conflictingJobIds: string[] = [];
    let conflict: string | undefined;
    const differences = new Set<string>();
    for (const entry of list) {
      if (referenceCanonical === undefined || entry.canonical === referenceCanonical) continue;
      conflictingJobIds.push(entry.jobId);
      if (differences.size < 5) differences.add(describeConflict(referenceCanonical, entry.canonical));
    }
    if (conflictingJobIds.length > 0) {
      conflict = `${conflictingJobIds.length} job(s) carry a request for "${name}" that differs from the ${referenceSource === "existing" ? "existing annex's" : "majority's"}: ${[...differences].join("; ")}`;
    }
    groups.set(name, {
      name,
      reference,
      referenceSource,
      candidates: counted.map((entry) => ({
        jobId: entry.jobId,
        ad: entry.ad,
        state: entry.state === "running" ? "running" : "idle",
        conflicting: referenceCanonical !== undefined && entry.canonical !== referenceCanonical,
      })),
      conflictingJobIds,
      conflict,
      invalidJobs: invalid.get(name) ?? [],
      otherJobs: list.length - counted.length,
    });
  }
  return { groups, jobCount: jobs.length, ignoredJobs };
}

/** What demand needs to know besides the jobs. */
export interface DemandInputs {
  /** Instance data, or undefined when the type is unknown (DescribeInstanceTypes had no answer). */
  readonly instanceType: (region: string, type: string) => InstanceTypeInfo | undefined;
  /** Whether a type is blocked after an insufficient-capacity failure. */
  readonly isBlocked: (region: string, type: string) => boolean;
  readonly ramp: RampPolicy;
}

/** What to do about one annex. */
export type DemandAction = "none" | "create" | "resize" | "wait";

/** The demand of one annex and the decision taken from it. */
export interface AnnexDemand {
  readonly name: string;
  readonly region: string | undefined;
  readonly request: AnnexRequest | undefined;
  readonly exists: boolean;
  readonly stackStatus: string | undefined;
  readonly idleJobs: number;
  readonly runningJobs: number;
  readonly matchedJobIds: readonly string[];
  readonly unmatchedJobIds: readonly string[];
  readonly conflictingJobIds: readonly string[];
  readonly conflict: string | undefined;
  readonly invalidJobs: readonly { readonly jobId: string; readonly error: string }[];
  /** Heartbeat value: matching idle plus running jobs. */
  readonly heartbeat: number;
  /** Instances the matching jobs need, capped by MaxInstances. */
  readonly targetInstances: number;
  readonly instancesByType: ReadonlyMap<string, number>;
  /** Matching jobs no usable type can hold (too big, or every fitting type blocked). */
  readonly unplaceableJobIds: readonly string[];
  readonly currentCapacity: number;
  /** Damped; never below the current capacity. */
  readonly desiredCapacity: number;
  readonly maxInstances: number;
  readonly blockedTypes: readonly string[];
  /** Requested types EC2 has no data for. */
  readonly unknownTypes: readonly string[];
  readonly action: DemandAction;
}

function numberIn(value: Value): number | undefined {
  if (value.kind === "integer") return Number(value.value);
  if (value.kind === "real" && Number.isFinite(value.value)) return value.value;
  if (value.kind === "boolean") return value.value ? 1 : 0;
  return undefined;
}

/**
 * What a job asks of a slot of `type`, evaluated in the match context (Request* may refer to
 * TARGET): RequestCpus (default 1), RequestMemory (MiB; default the job's MemoryUsage, else
 * ImageSize in KiB / 1024, as HTCondor's submit default), RequestGpus (default 0).
 */
export function jobRequests(
  job: ClassAd,
  slot: ClassAd,
  evaluator: Evaluator,
): { cpus: number; memoryMiB: number; gpus: number } {
  evaluator.bindMatch(job, slot);
  try {
    const cpus = numberIn(evaluator.evaluateAttribute(job, "RequestCpus")) ?? 1;
    let memory = numberIn(evaluator.evaluateAttribute(job, "RequestMemory"));
    if (memory === undefined) {
      memory =
        numberIn(evaluator.evaluateAttribute(job, "MemoryUsage")) ??
        Math.ceil((numberIn(evaluator.evaluateAttribute(job, "ImageSize")) ?? 0) / 1024);
    }
    const gpus = numberIn(evaluator.evaluateAttribute(job, "RequestGpus")) ?? 0;
    return { cpus: Math.max(0, cpus), memoryMiB: Math.max(0, memory), gpus: Math.max(0, gpus) };
  } finally {
    evaluator.unbindMatch(job, slot);
  }
}

/** Whether both ads' Requirements hold against each other. */
function symmetricMatchWith(evaluator: Evaluator, job: ClassAd, slot: ClassAd): boolean {
  evaluator.bindMatch(job, slot);
  try {
    return (
      isMatchValue(evaluator.evaluateAttribute(slot, "Requirements")) &&
      isMatchValue(evaluator.evaluateAttribute(job, "Requirements"))
    );
  } finally {
    evaluator.unbindMatch(job, slot);
  }
}

function isBusy(stackStatus: string | undefined): boolean {
  return stackStatus?.endsWith("_IN_PROGRESS") === true;
}

function isSettled(stackStatus: string | undefined): boolean {
  return (
    stackStatus === "CREATE_COMPLETE" ||
    stackStatus === "UPDATE_COMPLETE" ||
    stackStatus === "UPDATE_ROLLBACK_COMPLETE"
  );
}

/**
 * The demand of one annex: matchmaking of its idle (and running-here) jobs against one slot ad
 * per requested instance type, packing of the matching jobs onto the usable types, the cap,
 * the damped desired capacity, and the action.
 *
 * A job running on the annex counts for the heartbeat even if the synthetic slot ad does not
 * match it (the negotiator matched it to a real slot of this annex: its capacity is in use).
 */
export function annexDemand(
  group: AnnexJobGroup,
  existing: ExistingAnnex | undefined,
  inputs: DemandInputs,
  evaluator: Evaluator = new Evaluator(),
): AnnexDemand {
  const request = group.reference;
  const region = request?.region ?? existing?.region;
  const current = existing?.desiredCapacity ?? 0;
  const types = request?.instanceTypes ?? [];
  const owners = request?.owner
    ?.split(",")
    .map((owner) => owner.trim())
    .filter((owner) => owner !== "");
  const known: InstanceTypeInfo[] = [];
  const unknownTypes: string[] = [];
  for (const type of types) {
    const info = region === undefined ? undefined : inputs.instanceType(region, type);
    if (info === undefined) unknownTypes.push(type);
    else known.push(info);
  }
  const slots = known.map((info) => ({
    info,
    ad: slotAd(info, {
      annexName: group.name,
      ...(owners && owners.length > 0 ? { allowedJobOwners: owners } : {}),
    }),
  }));
  const blockedTypes = region === undefined ? [] : types.filter((type) => inputs.isBlocked(region, type));
  const usable = known.filter((info) => !blockedTypes.includes(info.name));

  const needs: JobNeed[] = [];
  const matched: string[] = [];
  const unmatched: string[] = [];
  let idleJobs = 0;
  let runningJobs = 0;
  for (const job of group.candidates) {
    const fits = slots.filter((slot) => symmetricMatchWith(evaluator, job.ad, slot.ad));
    if (fits.length === 0 && job.state === "idle") {
      unmatched.push(job.jobId);
      continue;
    }
    matched.push(job.jobId);
    if (job.state === "idle") idleJobs++;
    else runningJobs++;
    // Running jobs occupy capacity too: pack them (on any type if no slot ad matched them).
    const placeOn = fits.length > 0 ? fits : slots;
    const first = placeOn[0];
    if (first === undefined) continue;
    const asks = jobRequests(job.ad, first.ad, evaluator);
    needs.push({ jobId: job.jobId, ...asks, fits: placeOn.map((slot) => slot.info.name) });
  }
  const maxInstances = request?.maxInstances ?? 0;
  const packing = packJobs(needs, usable);
  const targetInstances = Math.min(packing.instances, maxInstances);
  const desiredCapacity = nextDesiredCapacity(current, targetInstances, maxInstances, inputs.ramp);
  const heartbeat = idleJobs + runningJobs;

  let action: DemandAction = "none";
  if (request !== undefined) {
    if (existing === undefined) {
      if (desiredCapacity > 0) action = "create";
    } else if (desiredCapacity > current) {
      action = isSettled(existing.stackStatus) && existing.desiredCapacity !== undefined ? "resize" : "wait";
    } else if (isBusy(existing.stackStatus) && heartbeat > 0) {
      action = "wait";
    }
  }
  return {
    name: group.name,
    region,
    request,
    exists: existing !== undefined,
    stackStatus: existing?.stackStatus,
    idleJobs,
    runningJobs,
    matchedJobIds: matched,
    unmatchedJobIds: unmatched,
    conflictingJobIds: group.conflictingJobIds,
    conflict: group.conflict,
    invalidJobs: group.invalidJobs,
    heartbeat,
    targetInstances,
    instancesByType: packing.byType,
    unplaceableJobIds: packing.unplaceable.map((job) => job.jobId),
    currentCapacity: current,
    desiredCapacity: action === "none" && existing === undefined ? 0 : desiredCapacity,
    maxInstances,
    blockedTypes,
    unknownTypes,
    action,
  };
}

/** The whole computation: grouping, then each annex's demand (annexes in name order). */
export function computeDemand(
  jobs: readonly ClassAd[],
  resolve: RequestResolver,
  existing: ReadonlyMap<string, ExistingAnnex>,
  inputs: DemandInputs,
): { readonly annexes: readonly AnnexDemand[]; readonly jobCount: number; readonly ignoredJobs: number } {
  const evaluator = new Evaluator();
  const grouped = groupJobsByAnnex(jobs, resolve, existing, evaluator);
  const annexes = [...grouped.groups.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((group) => annexDemand(group, existing.get(group.name), inputs, evaluator));
  return { annexes, jobCount: grouped.jobCount, ignoredJobs: grouped.ignoredJobs };
}

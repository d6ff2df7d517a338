import type { Expr } from "../../classad/ast.js";
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
 *
 * A snapshot entry is a job or a **shape**: `count` identical jobs (the watch collapses the
 * queue, as HTCondor's autoclusters do), so every step costs per shape, not per job. Each
 * shape gets a verdict (matched, unmatched with the failing clause, …) that the watch writes
 * back onto its jobs.
 */

/** HTCondor's JobStatus values that matter here. */
export const JOB_STATUS = { idle: 1, running: 2 } as const;

/** The job attribute HTCondor sets from the machine's AnnexName (SYSTEM_JOB_MACHINE_ATTRS). */
export const RUNNING_ANNEX_ATTRIBUTE = "MachineAttrAnnexName0";

/** How many job ids a report lists (counts are always complete). */
export const MAX_REPORTED_JOB_IDS = 100;

/** One entry of a snapshot: a job, or `count` jobs whose (projected) ads are identical. */
export interface SnapshotJob {
  readonly ad: ClassAd;
  /** How many jobs this entry stands for (≥ 1). */
  readonly count: number;
  /** Some of their ids (`ClusterId.ProcId`), for reports; a single job's own id when empty. */
  readonly jobIds: readonly string[];
}

/** What the watch writes on the jobs of a shape (`AnnexStatus`, `AnnexReason`). */
export type VerdictStatus = "Matched" | "Running" | "Unmatched" | "Unplaceable" | "Conflicting" | "Invalid";

/** The verdict on one snapshot entry. */
export interface ShapeVerdict {
  /** The entry's index in the snapshot. */
  readonly index: number;
  readonly annex: string;
  readonly status: VerdictStatus;
  readonly reason: string;
}

/** Ids to report: at most {@link MAX_REPORTED_JOB_IDS}. */
class IdSample {
  readonly ids: string[] = [];
  count = 0;

  add(ids: readonly string[], count: number): void {
    this.count += count;
    for (const id of ids) {
      if (this.ids.length >= MAX_REPORTED_JOB_IDS) break;
      this.ids.push(id);
    }
  }
}

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

/** One job (or shape of identical jobs) that counts towards an annex (before matchmaking). */
export interface CandidateJob {
  /** The (first) job's id. */
  readonly jobId: string;
  readonly jobIds: readonly string[];
  readonly count: number;
  /** Index of the snapshot entry. */
  readonly index: number;
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
  /** Ids of jobs whose request differs from the reference (reported, never merged; a sample). */
  readonly conflictingJobIds: readonly string[];
  readonly conflictingJobs: number;
  /** What differs, e.g. `MaxInstances: 4 vs 10`, when there are conflicting jobs. */
  readonly conflict: string | undefined;
  /** Jobs naming this annex whose request does not validate (a sample), and how many there are. */
  readonly invalidJobs: readonly { readonly jobId: string; readonly error: string }[];
  readonly invalidJobCount: number;
  /** Jobs naming this annex that are neither idle nor running on it (held, running elsewhere…). */
  readonly otherJobs: number;
}

/** The snapshot grouped by annex name. */
export interface GroupedJobs {
  readonly groups: ReadonlyMap<string, AnnexJobGroup>;
  readonly jobCount: number;
  /** Verdicts known from grouping alone (invalid requests). */
  readonly verdicts: readonly ShapeVerdict[];
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
  readonly jobIds: readonly string[];
  readonly count: number;
  readonly index: number;
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

/** A snapshot entry from a plain job ad (one job) or a shape. */
function asSnapshotJob(job: ClassAd | SnapshotJob): SnapshotJob {
  return "count" in job ? job : { ad: job, count: 1, jobIds: [] };
}

/**
 * Groups the snapshot's jobs by `AnnexRequest.Name`, validates each distinct request once,
 * chooses each annex's reference request (the existing stack's; else the request most of the
 * counted jobs carry, ties to the first seen) and marks jobs whose request differs as
 * conflicting — reported, never merged into the reference.
 */
export function groupJobsByAnnex(
  jobs: readonly (ClassAd | SnapshotJob)[],
  resolve: RequestResolver,
  existing: ReadonlyMap<string, ExistingAnnex>,
  evaluator: Evaluator = new Evaluator(),
  /** Validations by request text, kept across snapshots by the caller (requests repeat). */
  validations: Map<string, RequestValidation> = new Map(),
): GroupedJobs {
  const entries = new Map<string, Entry[]>();
  const invalid = new Map<string, { sample: { jobId: string; error: string }[]; count: number }>();
  const verdicts: ShapeVerdict[] = [];
  let ignoredJobs = 0;
  let jobCount = 0;
  // Canonical forms by request text: a snapshot repeats a few requests over many jobs.
  const canonicals = new Map<string, string>();
  jobs.forEach((input, index) => {
    const { ad: job, count, jobIds: given } = asSnapshotJob(input);
    jobCount += count;
    const found = annexRequestOf(job, evaluator);
    if (found === undefined) {
      ignoredJobs += count;
      return;
    }
    const jobIds = given.length > 0 ? given : [jobIdOf(job, index, evaluator)];
    const jobId = jobIds[0] ?? `#${index}`;
    // Jobs of one submission carry the same request: validate each distinct text once.
    const text = unparse(found.ad.toRecord());
    let validation = validations.get(text);
    if (validation === undefined) {
      validation = resolve(found.ad);
      validations.set(text, validation);
    }
    if (!validation.ok) {
      const error = validation.issues.map((issue) => `${issue.attribute}: ${issue.message}`).join("; ");
      const list = invalid.get(found.name) ?? { sample: [], count: 0 };
      list.count += count;
      for (const id of jobIds) {
        if (list.sample.length < MAX_REPORTED_JOB_IDS) list.sample.push({ jobId: id, error });
      }
      invalid.set(found.name, list);
      verdicts.push({ index, annex: found.name, status: "Invalid", reason: `AnnexRequest ${error}` });
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
    let canonical = canonicals.get(text);
    if (canonical === undefined) {
      canonical = canonicalRequest(validation.request);
      canonicals.set(text, canonical);
    }
    const list = entries.get(found.name) ?? [];
    list.push({
      jobId,
      jobIds,
      count,
      index,
      ad: job,
      state,
      request: validation.request,
      canonical,
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
        vote.count += entry.count;
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
    const conflicting = new IdSample();
    let conflict: string | undefined;
    const differences = new Set<string>();
    const described = new Set<string>();
    for (const entry of list) {
      if (referenceCanonical === undefined || entry.canonical === referenceCanonical) continue;
      conflicting.add(entry.jobIds, entry.count);
      if (differences.size < 5 && !described.has(entry.canonical)) {
        described.add(entry.canonical);
        differences.add(describeConflict(referenceCanonical, entry.canonical));
      }
    }
    if (conflicting.count > 0) {
      conflict = `${conflicting.count} job(s) carry a request for "${name}" that differs from the ${referenceSource === "existing" ? "existing annex's" : "majority's"}: ${[...differences].join("; ")}`;
    }
    groups.set(name, {
      name,
      reference,
      referenceSource,
      candidates: counted.map((entry) => ({
        jobId: entry.jobId,
        jobIds: entry.jobIds,
        count: entry.count,
        index: entry.index,
        ad: entry.ad,
        state: entry.state === "running" ? "running" : "idle",
        conflicting: referenceCanonical !== undefined && entry.canonical !== referenceCanonical,
      })),
      conflictingJobIds: conflicting.ids,
      conflictingJobs: conflicting.count,
      conflict,
      invalidJobs: invalid.get(name)?.sample ?? [],
      invalidJobCount: invalid.get(name)?.count ?? 0,
      otherJobs: list.reduce((sum, entry) => sum + (entry.state === "other" ? entry.count : 0), 0),
    });
  }
  return { groups, jobCount, ignoredJobs, verdicts };
}

/** What demand needs to know besides the jobs. */
export interface DemandInputs {
  /** Instance data, or undefined when the type is unknown (DescribeInstanceTypes had no answer). */
  readonly instanceType: (region: string, type: string) => InstanceTypeInfo | undefined;
  /** Whether a type is blocked after an insufficient-capacity failure. */
  readonly isBlocked: (region: string, type: string) => boolean;
  readonly ramp: RampPolicy;
  /** The `$CondorVersion$` annex instances advertise (the access point's, sent with the snapshot). */
  readonly condorVersion?: string;
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
  /** Counts of jobs, and samples of their ids (at most {@link MAX_REPORTED_JOB_IDS}). */
  readonly matchedJobs: number;
  readonly matchedJobIds: readonly string[];
  readonly unmatchedJobs: number;
  readonly unmatchedJobIds: readonly string[];
  readonly conflictingJobs: number;
  readonly conflictingJobIds: readonly string[];
  readonly conflict: string | undefined;
  readonly invalidJobs: readonly { readonly jobId: string; readonly error: string }[];
  readonly invalidJobCount: number;
  /** Heartbeat value: matching idle plus running jobs. */
  readonly heartbeat: number;
  /** Instances the matching jobs need, capped by MaxInstances. */
  readonly targetInstances: number;
  readonly instancesByType: ReadonlyMap<string, number>;
  /** Matching jobs no usable type can hold (too big, or every fitting type blocked). */
  readonly unplaceableJobs: number;
  readonly unplaceableJobIds: readonly string[];
  /** Verdicts on the snapshot entries of this annex's idle jobs, for the jobs themselves. */
  readonly verdicts: readonly ShapeVerdict[];
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

/** The top-level `&&` clauses of an expression (parentheses around the whole removed). */
function conjuncts(expr: Expr): Expr[] {
  if (expr.kind === "paren") return conjuncts(expr.inner);
  if (expr.kind === "binary" && expr.op === "&&") return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}

/**
 * Why a job matches none of the slot ads, as `condor_q -better-analyze` would point at it: the
 * slot's START when that refuses the job, else the first clause of the job's Requirements that
 * holds on no slot (evaluated in the match context).
 */
export function whyUnmatched(job: ClassAd, slots: readonly ClassAd[], evaluator: Evaluator): string {
  if (slots.length === 0) return "the annex has no instance type with EC2 data";
  const startRefuses = slots.every((slot) => {
    evaluator.bindMatch(job, slot);
    try {
      return !isMatchValue(evaluator.evaluateAttribute(slot, "Requirements"));
    } finally {
      evaluator.unbindMatch(job, slot);
    }
  });
  if (startRefuses)
    return "the annex's START does not admit the job (another annex's job, or an Owner it does not allow)";
  const requirements = job.get("Requirements");
  if (requirements === undefined) return "the job has no Requirements";
  for (const clause of conjuncts(requirements)) {
    const holdsSomewhere = slots.some((slot) => {
      evaluator.bindMatch(job, slot);
      try {
        return isMatchValue(evaluator.evaluate(clause, job));
      } finally {
        evaluator.unbindMatch(job, slot);
      }
    });
    if (!holdsSomewhere) return `its Requirements clause ${unparse(clause)} holds on none of them`;
  }
  return "its Requirements do not hold on any of them";
}

/**
 * The demand of one annex: matchmaking of its idle (and running-here) jobs against one slot ad
 * per requested instance type, packing of the matching jobs onto the usable types, the cap,
 * the damped desired capacity, the action, and a verdict per idle shape.
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
      ...(inputs.condorVersion === undefined ? {} : { condorVersion: inputs.condorVersion }),
    }),
  }));
  const blockedTypes = region === undefined ? [] : types.filter((type) => inputs.isBlocked(region, type));
  const usable = known.filter((info) => !blockedTypes.includes(info.name));
  const typeList = types.join(", ");

  const needs: (JobNeed & { readonly candidate: CandidateJob })[] = [];
  const matched = new IdSample();
  const unmatched = new IdSample();
  const verdicts: ShapeVerdict[] = [];
  let idleJobs = 0;
  let runningJobs = 0;
  for (const job of group.candidates) {
    const fits = slots.filter((slot) => symmetricMatchWith(evaluator, job.ad, slot.ad));
    if (fits.length === 0 && job.state === "idle") {
      unmatched.add(job.jobIds, job.count);
      verdicts.push({
        index: job.index,
        annex: group.name,
        status: "Unmatched",
        reason: `no instance type of annex ${group.name} (${typeList || "none"}) matches the job: ${whyUnmatched(
          job.ad,
          slots.map((slot) => slot.ad),
          evaluator,
        )}`,
      });
      continue;
    }
    matched.add(job.jobIds, job.count);
    if (job.state === "idle") idleJobs += job.count;
    else runningJobs += job.count;
    // Running jobs occupy capacity too: pack them (on any type if no slot ad matched them).
    const placeOn = fits.length > 0 ? fits : slots;
    const first = placeOn[0];
    if (first === undefined) continue;
    const asks = jobRequests(job.ad, first.ad, evaluator);
    needs.push({
      jobId: job.jobId,
      count: job.count,
      ...asks,
      fits: placeOn.map((slot) => slot.info.name),
      candidate: job,
    });
  }
  const maxInstances = request?.maxInstances ?? 0;
  const packing = packJobs(needs, usable, maxInstances);
  const unplaceable = new IdSample();
  const unplaceableIndexes = new Set<number>();
  const candidateOf = new Map<JobNeed, CandidateJob>(needs.map((need) => [need, need.candidate]));
  for (const { job, count } of packing.unplaceable) {
    const candidate = candidateOf.get(job);
    if (candidate === undefined) continue;
    unplaceable.add(candidate.jobIds, count);
    unplaceableIndexes.add(candidate.index);
  }
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
  const finalDesired = action === "none" && existing === undefined ? 0 : desiredCapacity;
  for (const need of needs) {
    const job = need.candidate;
    if (job.state !== "idle") continue;
    if (unplaceableIndexes.has(job.index)) {
      verdicts.push({
        index: job.index,
        annex: group.name,
        status: "Unplaceable",
        reason: `the job asks for ${need.cpus} CPU(s), ${need.memoryMiB} MiB and ${need.gpus} GPU(s); no usable instance type of annex ${group.name} it matches can hold that${blockedTypes.length > 0 ? ` (blocked for lack of capacity: ${blockedTypes.join(", ")})` : ""}`,
      });
    } else if (job.conflicting) {
      verdicts.push({
        index: job.index,
        annex: group.name,
        status: "Conflicting",
        reason: group.conflict ?? `the job's AnnexRequest differs from annex ${group.name}'s`,
      });
    } else {
      verdicts.push({
        index: job.index,
        annex: group.name,
        status: "Matched",
        // Stable text: a verdict that changes every round would rewrite every job every round.
        reason: `annex ${group.name} (${typeList}, up to ${maxInstances} instance(s)) will run it; condor-annex status ${group.name} shows its instances`,
      });
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
    matchedJobs: matched.count,
    matchedJobIds: matched.ids,
    unmatchedJobs: unmatched.count,
    unmatchedJobIds: unmatched.ids,
    conflictingJobs: group.conflictingJobs,
    conflictingJobIds: group.conflictingJobIds,
    conflict: group.conflict,
    invalidJobs: group.invalidJobs,
    invalidJobCount: group.invalidJobCount,
    heartbeat,
    targetInstances,
    instancesByType: packing.byType,
    unplaceableJobs: unplaceable.count,
    unplaceableJobIds: unplaceable.ids,
    verdicts,
    currentCapacity: current,
    desiredCapacity: finalDesired,
    maxInstances,
    blockedTypes,
    unknownTypes,
    action,
  };
}

/** The whole computation: grouping, then each annex's demand (annexes in name order). */
export function computeDemand(
  jobs: readonly (ClassAd | SnapshotJob)[],
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

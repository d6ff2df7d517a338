import type { Attribute, Expr, RecordExpr } from "../classad/ast.js";
import type { ClassAd } from "../classad/classad.js";
import { attributeKey } from "../classad/classad.js";
import { ownReferences } from "../classad/references.js";
import { unparse } from "../classad/unparse.js";

/**
 * The queue collapsed into **shapes**: jobs whose projected ads are identical but for their ids
 * are sent to the helper once, with a count — as HTCondor's autoclusters group jobs for the
 * negotiator — so the snapshot grows with the distinct kinds of jobs, not with the queue.
 *
 * `ClusterId` and `ProcId` are left out of the comparison (every job differs there) unless one
 * of the job's own expressions refers to them (a Requirements that tests `ProcId % 2` makes each
 * job its own shape). Each shape keeps the first job's ad, how many jobs it stands for, and
 * every job's id as ranges of consecutive procs, so verdicts can be written back onto exactly
 * those jobs; the other ads are dropped as they are read.
 */

/** The attributes that identify a job rather than describe it. */
export const JOB_ID_ATTRIBUTES = ["ClusterId", "ProcId"] as const;

/** Consecutive procs of one cluster: `cluster.first` … `cluster.last`. */
export interface ProcRange {
  readonly cluster: number;
  readonly first: number;
  last: number;
}

/** One shape: a representative ad and the jobs it stands for. */
export interface JobShape {
  /** The first job's ad (its ids included). */
  readonly ad: ClassAd;
  count: number;
  /** Whether the ids are part of what the job's expressions see (then every job is its own shape). */
  readonly idsMatter: boolean;
  /** Every job's id, as ranges (jobs without ids are counted but not listed). */
  readonly ranges: ProcRange[];
}

const ID_KEYS = new Set(JOB_ID_ATTRIBUTES.map((name) => attributeKey(name)));

/** Text of each attribute object, cached: the long-form reader shares the objects of repeated values. */
const textOf = new WeakMap<Attribute, string>();

function attributeText(attribute: Attribute): string {
  let text = textOf.get(attribute);
  if (text === undefined) {
    text = `${attributeKey(attribute.name)}=${unparse(attribute.expr)}`;
    textOf.set(attribute, text);
  }
  return text;
}

/** Whether any expression of the ad refers to ClusterId or ProcId (cached per attribute object). */
const refersToIds = new WeakMap<Attribute, boolean>();

function idsMatter(ad: ClassAd): boolean {
  for (const attribute of ad.attributes()) {
    let refers = refersToIds.get(attribute);
    if (refers === undefined) {
      refers = [...ownReferences(attribute.expr).keys()].some((key) => ID_KEYS.has(key));
      refersToIds.set(attribute, refers);
    }
    if (refers) return true;
  }
  return false;
}

function integerOf(expr: Expr | undefined): number | undefined {
  return expr?.kind === "literal" && expr.value.type === "integer" ? Number(expr.value.value) : undefined;
}

/** Collects a queue, a job at a time, into shapes. */
export class ShapeCollector {
  readonly #shapes = new Map<string, JobShape>();
  #jobs = 0;

  /** Adds one job's (projected) ad. */
  add(ad: ClassAd): void {
    this.#jobs++;
    const matter = idsMatter(ad);
    const parts: string[] = [];
    for (const attribute of ad.attributes()) {
      if (!matter && ID_KEYS.has(attributeKey(attribute.name))) continue;
      parts.push(attributeText(attribute));
    }
    parts.sort();
    const key = parts.join("\n");
    const cluster = integerOf(ad.get("ClusterId"));
    const proc = integerOf(ad.get("ProcId"));
    let shape = this.#shapes.get(key);
    if (shape === undefined) {
      shape = { ad, count: 0, idsMatter: matter, ranges: [] };
      this.#shapes.set(key, shape);
    }
    shape.count++;
    if (cluster === undefined || proc === undefined) return;
    const last = shape.ranges[shape.ranges.length - 1];
    if (last !== undefined && last.cluster === cluster && last.last + 1 === proc) last.last = proc;
    else shape.ranges.push({ cluster, first: proc, last: proc });
  }

  /** The shapes, in the order their first jobs were read. */
  shapes(): JobShape[] {
    return [...this.#shapes.values()];
  }

  /** Jobs added. */
  get jobs(): number {
    return this.#jobs;
  }
}

/** The first `max` job ids of a shape, `cluster.proc`. */
export function sampleJobIds(shape: JobShape, max: number): string[] {
  const ids: string[] = [];
  for (const range of shape.ranges) {
    for (let proc = range.first; proc <= range.last && ids.length < max; proc++)
      ids.push(`${range.cluster}.${proc}`);
    if (ids.length >= max) break;
  }
  return ids;
}

/**
 * A shape as an element of the `ANNEX_JOBS` argument: the representative ad (without its ids,
 * unless they matter), `JobCount` and a sample of `JobIds`.
 */
export function shapeRecord(shape: JobShape, maxIds: number): RecordExpr {
  const attributes: Attribute[] = [];
  for (const attribute of shape.ad.attributes()) {
    if (!shape.idsMatter && ID_KEYS.has(attributeKey(attribute.name))) continue;
    attributes.push(attribute);
  }
  attributes.push({
    name: "JobCount",
    expr: { kind: "literal", value: { type: "integer", value: BigInt(shape.count) } },
  });
  attributes.push({
    name: "JobIds",
    expr: {
      kind: "list",
      items: sampleJobIds(shape, maxIds).map((id) => ({
        kind: "literal",
        value: { type: "string", value: id },
      })),
    },
  });
  return { kind: "record", attributes };
}

/**
 * Attributes the shapes' expressions refer to that the projection lacks (so `condor_q` must be
 * asked for them too): e.g. `TransferInputSizeMB` once `RequestDisk` shows it needs it.
 * `known` holds the projection's names, lower-cased.
 */
export function missingReferences(shapes: readonly JobShape[], known: ReadonlySet<string>): string[] {
  const missing = new Map<string, string>();
  for (const shape of shapes) {
    for (const attribute of shape.ad.attributes()) {
      for (const [key, name] of ownReferences(attribute.expr)) {
        if (!known.has(key) && !shape.ad.has(name)) missing.set(key, name);
      }
    }
  }
  return [...missing.values()];
}

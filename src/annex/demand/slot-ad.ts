import { startExpression } from "../../../templates/index.js";
import { type Attribute, bytesFromText, type Expr } from "../../classad/ast.js";
import { ClassAd } from "../../classad/classad.js";
import { parseExpression } from "../../classad/parse.js";
import type { InstanceTypeInfo } from "./types.js";

/**
 * The slot ad an annex instance of one type would advertise: what demand matches job
 * Requirements against (real matchmaking, so a job that fits no instance type buys nothing).
 * One whole-machine slot: the machine's CPUs, memory (MiB), GPUs and disk (KiB),
 * `OpSys = "LINUX"`, the architecture, the annex identity (AnnexName, IsAnnex) the bootstrap
 * configures, `HasFileTransfer`, `EC2InstanceType`, `CondorVersion`, and START/Requirements restricted to the
 * annex's jobs (and owners) with the very expression the instance's condor_config gets
 * (`startExpression` of templates/).
 *
 * Built from AST nodes, not text: a snapshot naming 1000 annexes needs 1000 slot ads, and
 * parsing each would cost about a millisecond. START is parsed once per owner set with a
 * placeholder name, then the placeholder is replaced; slot ads are cached by annex, type and owners.
 */

/** Root disk assumed when the type has no instance storage: the AL2023 AMI's root volume. */
export const DEFAULT_ROOT_DISK_GIB = 8;

/**
 * The HTCondor version an annex instance is assumed to run when the snapshot does not say: the
 * release this version of condor-annex is tested against. condor_submit ≥ 25.12 adds
 * `versionGE(split(TARGET.CondorVersion)[1], "25.12.0") || (TARGET.Disk >= RequestDisk)` to every
 * job's Requirements, so a slot ad without CondorVersion matches no real job.
 */
export const DEFAULT_CONDOR_VERSION = "$CondorVersion: 25.14.1 2026-10-16 $";

/** What the slot ad says besides the instance type. */
export interface SlotAdContext {
  readonly annexName: string;
  /** Owners whose jobs may start (the request's Owner), if restricted. */
  readonly allowedJobOwners?: readonly string[];
  /**
   * `$CondorVersion$` of the instances: the access point's own (the watch sends it with each
   * snapshot; an annex's image is expected to run the pool's HTCondor), else {@link DEFAULT_CONDOR_VERSION}.
   */
  readonly condorVersion?: string;
}

const PLACEHOLDER = "condor-annex-slot-ad-placeholder";

const int = (n: number): Expr =>
  Number.isSafeInteger(n)
    ? { kind: "literal", value: { type: "integer", value: BigInt(n) } }
    : { kind: "literal", value: { type: "real", value: n } };
const str = (s: string): Expr => ({ kind: "literal", value: { type: "string", value: bytesFromText(s) } });
const bool = (b: boolean): Expr => ({ kind: "literal", value: { type: "boolean", value: b } });

/** A copy of `expr` with every string literal `from` replaced by `to`. */
function replaceString(expr: Expr, from: string, to: Expr): Expr {
  const r = (e: Expr) => replaceString(e, from, to);
  switch (expr.kind) {
    case "literal":
      return expr.value.type === "string" && expr.value.value === from ? to : expr;
    case "attr":
      return expr;
    case "select":
      return { ...expr, base: r(expr.base) };
    case "subscript":
      return { ...expr, base: r(expr.base), index: r(expr.index) };
    case "unary":
      return { ...expr, operand: r(expr.operand) };
    case "binary":
      return { ...expr, left: r(expr.left), right: r(expr.right) };
    case "ternary":
      return { ...expr, cond: r(expr.cond), ifTrue: r(expr.ifTrue), ifFalse: r(expr.ifFalse) };
    case "paren":
      return { ...expr, inner: r(expr.inner) };
    case "call":
      return { ...expr, args: expr.args.map(r) };
    case "list":
      return { ...expr, items: expr.items.map(r) };
    case "record":
      return { ...expr, attributes: expr.attributes.map((a) => ({ name: a.name, expr: r(a.expr) })) };
  }
}

const startTemplates = new Map<string, Expr>();

/** The START expression of an annex, as an AST (the instance's expression, parsed once per owner set). */
export function startExpr(context: SlotAdContext): Expr {
  const key = JSON.stringify(context.allowedJobOwners ?? []);
  let template = startTemplates.get(key);
  if (template === undefined) {
    const parsed = parseExpression(startExpression(PLACEHOLDER, context.allowedJobOwners));
    if (!parsed.ok) throw new Error(`the START expression does not parse: ${parsed.error.message}`);
    template = parsed.value;
    startTemplates.set(key, template);
  }
  return replaceString(template, PLACEHOLDER, str(context.annexName));
}

const MAX_CACHED_SLOT_ADS = 20_000;
const slotAds = new Map<string, ClassAd>();

/** The slot ad as a ClassAd (cached; treat it as read-only). */
export function slotAd(type: InstanceTypeInfo, context: SlotAdContext): ClassAd {
  const condorVersion = context.condorVersion ?? DEFAULT_CONDOR_VERSION;
  const key = JSON.stringify([context.annexName, context.allowedJobOwners ?? [], condorVersion, type]);
  const cached = slotAds.get(key);
  if (cached !== undefined) return cached;
  const diskKiB = type.diskKiB ?? DEFAULT_ROOT_DISK_GIB * 1024 * 1024;
  const attributes: Attribute[] = [
    { name: "Cpus", expr: int(type.cpus) },
    { name: "TotalCpus", expr: int(type.cpus) },
    { name: "Memory", expr: int(type.memoryMiB) },
    { name: "TotalMemory", expr: int(type.memoryMiB) },
    { name: "Gpus", expr: int(type.gpus) },
    { name: "TotalGpus", expr: int(type.gpus) },
    { name: "Disk", expr: int(diskKiB) },
    { name: "TotalDisk", expr: int(diskKiB) },
    { name: "Arch", expr: str(type.arch) },
    { name: "OpSys", expr: str("LINUX") },
    { name: "AnnexName", expr: str(context.annexName) },
    { name: "IsAnnex", expr: bool(true) },
    { name: "HasFileTransfer", expr: bool(true) },
    { name: "EC2InstanceType", expr: str(type.name) },
    { name: "CondorVersion", expr: str(condorVersion) },
    { name: "START", expr: startExpr(context) },
    { name: "Requirements", expr: { kind: "attr", name: "START", absolute: false } },
  ];
  const ad = new ClassAd(attributes);
  if (slotAds.size >= MAX_CACHED_SLOT_ADS) slotAds.clear();
  slotAds.set(key, ad);
  return ad;
}

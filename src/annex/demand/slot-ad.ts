import { startExpression } from "../../../templates/index.js";
import type { ClassAd } from "../../classad/classad.js";
import { parseClassAd } from "../../classad/parse.js";
import type { InstanceTypeInfo } from "./types.js";

/**
 * The slot ad an annex instance of one type would advertise: what demand matches job
 * Requirements against (real matchmaking, so a job that fits no instance type buys nothing).
 * One partitionable-style whole-machine slot: the machine's CPUs, memory (MiB), GPUs and disk
 * (KiB), `OpSys = "LINUX"`, the architecture, the annex identity (AnnexName, IsAnnex) the
 * bootstrap configures, `HasFileTransfer`, `EC2InstanceType`, and START/Requirements restricted
 * to the annex's jobs (and owners) exactly as the instance's condor_config does.
 */

/** Root disk assumed when the type has no instance storage: the AL2023 AMI's root volume. */
export const DEFAULT_ROOT_DISK_GIB = 8;

/** What the slot ad says besides the instance type. */
export interface SlotAdContext {
  readonly annexName: string;
  /** Owners whose jobs may start (the request's Owner), if restricted. */
  readonly allowedJobOwners?: readonly string[];
}

/** The slot ad's text (new syntax). */
export function slotAdText(type: InstanceTypeInfo, context: SlotAdContext): string {
  const diskKiB = type.diskKiB ?? DEFAULT_ROOT_DISK_GIB * 1024 * 1024;
  const start = startExpression(context.annexName, context.allowedJobOwners);
  return [
    "[",
    `Cpus = ${type.cpus}; TotalCpus = ${type.cpus};`,
    `Memory = ${type.memoryMiB}; TotalMemory = ${type.memoryMiB};`,
    `Gpus = ${type.gpus}; TotalGpus = ${type.gpus};`,
    `Disk = ${diskKiB}; TotalDisk = ${diskKiB};`,
    `Arch = ${JSON.stringify(type.arch)}; OpSys = "LINUX";`,
    `AnnexName = ${JSON.stringify(context.annexName)}; IsAnnex = true;`,
    "HasFileTransfer = true;",
    `EC2InstanceType = ${JSON.stringify(type.name)};`,
    `START = ${start};`,
    "Requirements = START",
    "]",
  ].join(" ");
}

/** The slot ad as a ClassAd. Throws only on a bug (the text is generated). */
export function slotAd(type: InstanceTypeInfo, context: SlotAdContext): ClassAd {
  const parsed = parseClassAd(slotAdText(type, context));
  if (!parsed.ok) throw new Error(`slot ad for ${type.name} does not parse: ${parsed.error.message}`);
  return parsed.value;
}

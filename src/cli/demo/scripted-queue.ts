import type { RecordExpr } from "../../classad/ast.js";
import { parseExpression } from "../../classad/parse.js";

/**
 * The demo's queue: realistic job ads as `condor_q -long` would show them after
 * `condor_submit` of a file with `+AnnexRequest`, in the states a burst goes through.
 */

/** The request every demo job carries (as in condor-config/examples). */
export const DEMO_ANNEX = "demo-burst";
export const DEMO_REQUEST = `[ Name = "${DEMO_ANNEX}"; InstanceTypes = { "c6i.xlarge" }; MaxInstances = 4; LeaseMinutes = 2; MaxHours = 1 ]`;

/** The state of one job in a snapshot. */
export type DemoJobState = "idle" | "running";

const REQUIREMENTS =
  '(TARGET.Arch == "X86_64") && (TARGET.OpSys == "LINUX") && (TARGET.Disk >= RequestDisk) && ' +
  "(TARGET.Memory >= RequestMemory) && (TARGET.Cpus >= RequestCpus) && (TARGET.HasFileTransfer)";

/** One job ad (cluster 101, process `proc`), owned by alice, asking for 2 CPUs and 3 GB. */
export function demoJobAd(proc: number, state: DemoJobState, qdate: number): RecordExpr {
  const text = `[
    ClusterId = 101; ProcId = ${proc}; Owner = "alice"; User = "alice@demo.example.org";
    JobUniverse = 5; JobStatus = ${state === "idle" ? 1 : 2}; QDate = ${qdate};
    Cmd = "/home/alice/chem/run-simulation.sh"; Arguments = "${proc}";
    RequestCpus = 2; RequestMemory = 3072; RequestDisk = 4194304; DiskUsage = 2500;
    Requirements = ${REQUIREMENTS};
    AnnexRequest = ${DEMO_REQUEST}
    ${state === "running" ? `; MachineAttrAnnexName0 = "${DEMO_ANNEX}"; RemoteHost = "slot1@ip-10-0-1-${10 + proc}.ec2.internal"` : ""}
  ]`;
  const parsed = parseExpression(text);
  if (!parsed.ok || parsed.value.kind !== "record") {
    throw new Error(`demo job ad does not parse: ${parsed.ok ? "not a record" : parsed.error.message}`);
  }
  return parsed.value;
}

/** A queue of `idle` idle and `running` running jobs (process ids after `done` finished jobs). */
export function demoQueue(
  counts: { idle: number; running: number; done: number },
  qdate: number,
): RecordExpr[] {
  const jobs: RecordExpr[] = [];
  let proc = counts.done;
  for (let i = 0; i < counts.running; i++) jobs.push(demoJobAd(proc++, "running", qdate));
  for (let i = 0; i < counts.idle; i++) jobs.push(demoJobAd(proc++, "idle", qdate));
  return jobs;
}

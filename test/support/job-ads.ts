/**
 * A deterministic generator of realistic HTCondor job ads, as a schedd prints them with
 * `condor_q -long`: identity, status and resource requests, Requirements with TARGET references,
 * Environment strings with embedded quotes, lists, and a nested `AnnexRequest` ad. Shared by the
 * parser tests, the golden test and the benchmark (`generateJobAds(count, seed)`).
 */
import { type Attribute, bytesFromText, type Expr, type Literal } from "../../src/classad/ast.js";
import { ClassAd } from "../../src/classad/classad.js";
import { parseExpression } from "../../src/classad/parse.js";
import { seededRandom } from "./seeded-random.js";

const OWNERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
const CMDS = ["/usr/bin/python3", "/home/alice/run.sh", "/opt/sim/bin/simulate", "/bin/sleep"];
const ARCHES = ["X86_64", "aarch64"];
const SITES = ["us-east-1", "us-west-2", "eu-west-1"];

const lit = (value: Literal): Expr => ({ kind: "literal", value });
const int = (n: number | bigint): Expr => lit({ type: "integer", value: BigInt(n) });
const str = (s: string): Expr => lit({ type: "string", value: s });
const real = (x: number): Expr => lit({ type: "real", value: x });
const bool = (b: boolean): Expr => lit({ type: "boolean", value: b });

const templates = new Map<string, Expr>();

/** Parses a template expression once (ASTs are immutable, so ads may share them). */
function expr(text: string): Expr {
  const cached = templates.get(text);
  if (cached !== undefined) return cached;
  const r = parseExpression(text, { oldSemantics: true });
  if (!r.ok) throw new Error(`job-ads: bad template expression ${text}: ${r.error.message}`);
  templates.set(text, r.value);
  return r.value;
}

/** One job ad with about 100 attributes. */
export function generateJobAd(random: () => number, clusterId: number, procId: number): ClassAd {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const n = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const owner = pick(OWNERS);
  const qdate = 1_790_000_000 + n(0, 5_000_000);
  const status = pick([1, 1, 1, 2, 2, 5]);
  const cpus = pick([1, 1, 2, 4, 8]);
  const memory = pick([1024, 2048, 4096, 8192]);
  const gpus = pick([0, 0, 0, 1, 2]);
  const attrs: Attribute[] = [];
  const add = (name: string, e: Expr) => attrs.push({ name, expr: e });

  add("ClusterId", int(clusterId));
  add("ProcId", int(procId));
  add("GlobalJobId", str(`submit.example.org#${clusterId}.${procId}#${qdate}`));
  add("Owner", str(owner));
  add("User", str(`${owner}@example.org`));
  add("AcctGroup", str(pick(["physics", "chemistry", "biology"])));
  add("AccountingGroup", str(`group_${pick(["physics", "chemistry"])}.${owner}`));
  add("JobStatus", int(status));
  add("LastJobStatus", int(pick([0, 1, 2])));
  add("JobUniverse", int(5));
  add("JobPrio", int(n(-5, 5)));
  add("NiceUser", bool(false));
  add("QDate", int(qdate));
  add("EnteredCurrentStatus", int(qdate + n(0, 3600)));
  add("JobCurrentStartDate", int(qdate + n(60, 7200)));
  add("CompletionDate", int(0));
  add("RemoteWallClockTime", real(n(0, 100000) / 4));
  add("CumulativeSlotTime", real(n(0, 100000) / 8));
  add("RemoteUserCpu", real(n(0, 5000) + 0.25));
  add("RemoteSysCpu", real(n(0, 500) + 0.5));
  add("ImageSize", int(n(1000, 5_000_000)));
  add("ImageSize_RAW", int(n(1000, 5_000_000)));
  add("ResidentSetSize", int(n(1000, 5_000_000)));
  add("ResidentSetSize_RAW", int(n(1000, 5_000_000)));
  add("DiskUsage", int(n(10, 100000)));
  add("DiskUsage_RAW", int(n(10, 100000)));
  add("MemoryUsage", expr("((ResidentSetSize + 1023) / 1024)"));
  add("RequestCpus", int(cpus));
  add("RequestMemory", int(memory));
  add("RequestDisk", expr("DiskUsage"));
  add("RequestGpus", int(gpus));
  add("Cmd", str(pick(CMDS)));
  add("Arguments", str(`--input data_${n(0, 999)}.csv --seed ${n(1, 99999)} --label "run ${procId}"`));
  add("Args", str(`-n ${n(1, 100)}`));
  add("Iwd", str(`/home/${owner}/jobs/${clusterId}`));
  add("In", str("/dev/null"));
  add("Out", str(`out.${clusterId}.${procId}`));
  add("Err", str(`err.${clusterId}.${procId}`));
  add("UserLog", str(`/home/${owner}/jobs/${clusterId}/job.log`));
  add(
    "Environment",
    str(
      `HOME=/home/${owner} OMP_NUM_THREADS=${cpus} LABEL='run ${procId}' MSG="hello ""world""" PATH=/usr/bin:/bin`,
    ),
  );
  add("Env", str(`FOO=${n(0, 9)};BAR=baz`));
  add("TransferInput", str(`data_${n(0, 999)}.csv,config.yaml,lib/helpers.py`));
  add("TransferOutput", str("results"));
  add("ShouldTransferFiles", str("YES"));
  add("WhenToTransferOutput", str("ON_EXIT"));
  add("TransferExecutable", bool(true));
  add("StreamOut", bool(false));
  add("StreamErr", bool(false));
  add(
    "Requirements",
    expr(
      `(TARGET.Arch == "${pick(ARCHES)}") && (TARGET.OpSys == "LINUX") && (TARGET.Disk >= RequestDisk) && (TARGET.Memory >= RequestMemory) && (TARGET.Cpus >= RequestCpus) && ((TARGET.FileSystemDomain == MY.FileSystemDomain) || (TARGET.HasFileTransfer))${gpus > 0 ? " && (TARGET.GPUs >= RequestGpus)" : ""}`,
    ),
  );
  add("Rank", expr("TARGET.Mips + 10 * TARGET.KFlops / 1000.0"));
  add("PeriodicHold", expr("(JobStatus == 2) && (time() - EnteredCurrentStatus > 86400)"));
  add("PeriodicRelease", expr("(HoldReasonCode =?= 13) && (NumJobStarts < 5) ?: false"));
  add("PeriodicRemove", bool(false));
  add("OnExitRemove", expr("ExitCode =!= undefined && ExitCode == 0"));
  add("OnExitHold", bool(false));
  add("LeaveJobInQueue", bool(false));
  add("NumJobStarts", int(n(0, 3)));
  add("NumShadowStarts", int(n(0, 3)));
  add("NumRestarts", int(0));
  add("NumCkpts", int(0));
  add("NumSystemHolds", int(0));
  add("JobRunCount", int(n(0, 3)));
  add("ExitBySignal", bool(false));
  add("ExitCode", status === 4 ? int(0) : lit({ type: "undefined" }));
  add("MaxHosts", int(1));
  add("MinHosts", int(1));
  add("CurrentHosts", int(status === 2 ? 1 : 0));
  add("WantRemoteIO", bool(true));
  add("WantCheckpoint", bool(false));
  add("CoreSize", int(0));
  add("KillSig", str("SIGTERM"));
  add("BufferSize", int(524288));
  add("BufferBlockSize", int(32768));
  add("CommittedTime", int(0));
  add("CommittedSlotTime", int(0));
  add("CommittedSuspensionTime", int(0));
  add("TotalSuspensions", int(0));
  add("CumulativeSuspensionTime", int(0));
  add("LocalUserCpu", real(0));
  add("LocalSysCpu", real(0));
  add("ExecutableSize", int(n(10, 100000)));
  add("ExecutableSize_RAW", int(n(10, 100000)));
  add("FileSystemDomain", str("example.org"));
  add("MyType", str("Job"));
  add("TargetType", str("Machine"));
  add("SubmitterGlobalJobId", str(`${clusterId}.${procId}`));
  add("JobBatchName", str(`batch-${clusterId % 97}`));
  add("JobNotification", int(0));
  add("StartdPrincipal", str(`execute-side@matchsession/10.0.${n(0, 255)}.${n(1, 254)}`));
  add(
    "RemoteHost",
    status === 2
      ? str(`slot1_${n(1, 8)}@ip-10-0-${n(0, 255)}-${n(1, 254)}.ec2.internal`)
      : lit({ type: "undefined" }),
  );
  add("LastRemoteHost", str(`slot1@node${n(1, 500)}.example.org`));
  add("DAGManJobId", int(clusterId - n(1, 10)));
  add("DAGNodeName", str(`node_${procId}`));
  add("DAGParentNodeNames", str(""));
  add("ConcurrencyLimits", str(`license_${pick(["matlab", "abaqus"])}:${n(1, 4)}`));
  add("DesiredSites", { kind: "list", items: [str(pick(SITES)), str(pick(SITES))] });
  add("GpuMemoryMb", { kind: "list", items: [int(n(1000, 80000)), int(n(1000, 80000))] });
  add("JobLeaseDuration", int(2400));
  add("StageInStart", int(qdate + 5));
  add("StageInFinish", int(qdate + 9));
  add("x509UserProxyVOName", str("cms"));
  add("MaxJobRetirementTime", expr("(IsDesktop =!= true) ? 3600 : 0"));
  add("WantAnnex", bool(true));
  add("AnnexRequest", {
    kind: "record",
    attributes: [
      { name: "Name", expr: str(`annex-${owner}-${clusterId % 13}`) },
      { name: "Count", expr: int(n(1, 20)) },
      { name: "InstanceTypes", expr: { kind: "list", items: [str("m6i.large"), str("c6i.xlarge")] } },
      { name: "Spot", expr: bool(random() < 0.5) },
      { name: "LeaseSeconds", expr: int(pick([1800, 3600, 7200])) },
      { name: "MaxPrice", expr: real(pick([0.05, 0.125, 0.25])) },
    ],
  });
  add("AnnexName", expr("AnnexRequest.Name"));
  add("Description", str(bytesFromText(`Résumé of run ${procId} for ${owner} — “quoted”`)));
  add("WindowsScratch", str(`C:\\condor\\execute\\dir_${clusterId}\\`));
  add(
    "HoldReason",
    status === 5 ? str('Error from starter: "disk full" at /var/lib/condor') : lit({ type: "undefined" }),
  );
  return new ClassAd(attrs);
}

/** `count` job ads: clusters of 1–20 procs, deterministic for a seed. */
export function* generateJobAds(count: number, seed = 42): Generator<ClassAd> {
  const random = seededRandom(seed);
  let cluster = 1000 + Math.floor(random() * 1000);
  let proc = 0;
  let procsInCluster = 1 + Math.floor(random() * 20);
  for (let i = 0; i < count; i++) {
    if (proc >= procsInCluster) {
      cluster++;
      proc = 0;
      procsInCluster = 1 + Math.floor(random() * 20);
    }
    yield generateJobAd(random, cluster, proc);
    proc++;
  }
}

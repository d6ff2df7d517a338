import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import type { RecordExpr } from "../../classad/ast.js";
import { type PlainAd, read } from "../../classad/plain.js";
import { unparse } from "../../classad/unparse.js";
import { HTCondorKnobs } from "../../condor/knobs.js";
import { type EmulatorHandle, startEmulator } from "../../emulator/process.js";
import { checkPython, ensurePythonEnv, type PythonCheck } from "../../emulator/python-env.js";
import type { AnnexHelper } from "../annex-helper.js";
import { type CliContext, processContext } from "../cli-context.js";
import { followLog } from "../demo/log-follower.js";
import { DEMO_ANNEX, DEMO_REQUEST, demoQueue } from "../demo/scripted-queue.js";
import { Timeline } from "../demo/timeline.js";
import { CliError, EXIT } from "../exit-codes.js";

/**
 * `condor-annex demo`: the whole story on this machine, in about a minute. It starts the AWS
 * emulator (moto + annex_moto, on 127.0.0.1), the real annex-gahp, runs setup, feeds a scripted
 * queue through ANNEX_JOBS exactly as `watch` does, and prints a timeline: the annex created and
 * scaled, heartbeats flowing, the jobs draining, and — with the heartbeats stopped — the lease
 * alarm firing and the lease Lambda deleting the stack. It cleans up after itself.
 */

/** Lease of the demo annex: 2 minutes at a 10-second alarm period (a high-resolution lease). */
const LEASE_MINUTES = 2;
const ALARM_PERIOD_SECONDS = 10;
/** The helper re-sends heartbeats this often while the latest snapshot is fresh. */
const HEARTBEAT_INTERVAL_SECONDS = 3;
/** The whole demo must end well within two minutes. */
const BUDGET_MS = 110_000;
/** A JWT-shaped stand-in for the pool token (the emulator's instances never use it). */
const DEMO_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vQGRlbW8uZXhhbXBsZS5vcmcifQ.ZGVtby1zaWduYXR1cmU";

const sleep = (ms: number) => new Promise<void>((wake) => setTimeout(wake, ms));

/** The environment of the demo's helper: the emulator, test credentials, and demo knobs only. */
export function demoEnvironment(base: NodeJS.ProcessEnv, endpoint: string, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    // Nothing of the user's own HTCondor or AWS configuration may leak into the demo.
    if (/^(_CONDOR_|AWS_)/i.test(key) || key === "CONDOR_CONFIG") continue;
    env[key] = value;
  }
  return {
    ...env,
    CONDOR_CONFIG: "ONLY_ENV",
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    _CONDOR_COLLECTOR_HOST: "cm.demo.example.org:9618",
    _CONDOR_ANNEX_TOKEN_FILE: join(dir, "pool.token"),
    _CONDOR_ANNEX_GAHP_LOG: join(dir, "AnnexGahpLog"),
    _CONDOR_ANNEX_DEFAULT_IMAGE_ID: "ami-0123456789abcdef0",
    _CONDOR_ANNEX_LEASE_ALARM_PERIOD: String(ALARM_PERIOD_SECONDS),
    _CONDOR_ANNEX_STACK_POLL_INTERVAL: "0.5",
    _CONDOR_ANNEX_HEARTBEAT_INTERVAL: String(HEARTBEAT_INTERVAL_SECONDS),
    _CONDOR_ANNEX_DEMAND_STATE_CACHE: "0.5",
    _CONDOR_ANNEX_DEMAND_RAMP_ATTENUATION: "2",
  };
}

function jobsArgument(jobs: readonly RecordExpr[], snapshotTime: number): string {
  return unparse({
    kind: "record",
    attributes: [
      { name: "Jobs", expr: { kind: "list", items: jobs } },
      {
        name: "SnapshotTime",
        expr: { kind: "literal", value: { type: "integer", value: BigInt(snapshotTime) } },
      },
    ],
  });
}

/** The oldest Node.js this version runs on (package.json `engines`). */
const MIN_NODE_MAJOR = 20;

/**
 * What the demo needs before it starts anything, each missing piece named with what to install:
 * Node.js ≥ 20, and Python 3.9+ with its venv module (or with the emulator's pins already).
 */
export async function checkDemoPrerequisites(nodeVersion = process.versions.node): Promise<PythonCheck> {
  const major = Number(nodeVersion.split(".")[0]);
  if (!Number.isInteger(major) || major < MIN_NODE_MAJOR) {
    throw new CliError(
      `condor-annex needs Node.js ${MIN_NODE_MAJOR} or later; this is ${nodeVersion}. Install a current Node.js (https://nodejs.org, or your distribution's nodejs package) and run the demo again.`,
      EXIT.failure,
    );
  }
  try {
    return await checkPython();
  } catch (error) {
    throw new CliError(
      `the demo runs a local AWS emulator (moto 5.2.1 with condor-annex's extension) in Python: ${
        error instanceof Error ? error.message : String(error)
      }`,
      EXIT.failure,
    );
  }
}

/** One annex of a status result, by name. */
async function annexStatus(helper: AnnexHelper): Promise<PlainAd | undefined> {
  const status = await helper.call("ANNEX_STATUS", {}, { timeoutMs: 30_000 });
  return read.ads(status.plain, "Annexes").find((annex) => read.string(annex, "Name") === DEMO_ANNEX);
}

class Demo {
  private readonly timeline: Timeline;
  private readonly dir: string;
  private emulator: EmulatorHandle | undefined;
  private helper: AnnexHelper | undefined;
  private qdate = Math.floor(Date.now() / 1000);

  constructor(private readonly ctx: CliContext) {
    this.timeline = new Timeline(ctx.io.stdout);
    this.dir = mkdtempSync(join(tmpdir(), "condor-annex-demo-"));
  }

  private checkBudget(): void {
    if (this.timeline.elapsedMs > BUDGET_MS) {
      throw new CliError(`the demo took longer than ${BUDGET_MS / 1000} s; giving up`, EXIT.failure);
    }
  }

  private get h(): AnnexHelper {
    if (this.helper === undefined) throw new Error("the helper is not running");
    return this.helper;
  }

  private async send(counts: { idle: number; running: number; done: number }): Promise<PlainAd | undefined> {
    const now = Math.floor(this.ctx.now() / 1000);
    const result = await this.h.callText("ANNEX_JOBS", jobsArgument(demoQueue(counts, this.qdate), now), {
      timeoutMs: 60_000,
    });
    return read.ads(result.plain, "Annexes").find((annex) => read.string(annex, "Name") === DEMO_ANNEX);
  }

  private describeDemand(annex: PlainAd | undefined): string {
    if (annex === undefined) return "no demand for the annex";
    return (
      `${read.number(annex, "IdleJobs") ?? 0} idle + ${read.number(annex, "RunningJobs") ?? 0} running jobs match ` +
      `→ target ${read.number(annex, "TargetInstances") ?? 0} instance(s), ` +
      `desired ${read.number(annex, "CurrentCapacity") ?? 0} → ${read.number(annex, "DesiredCapacity") ?? 0}; ` +
      `action ${read.string(annex, "Action") ?? "?"}; heartbeat ${read.number(annex, "Heartbeat") ?? 0}` +
      `${read.boolean(annex, "HeartbeatSent") === true ? " sent" : " not sent"}`
    );
  }

  private async waitFor(what: string, test: (annex: PlainAd | undefined) => boolean, limitMs = 60_000) {
    const until = Date.now() + limitMs;
    for (;;) {
      const annex = await annexStatus(this.h);
      if (test(annex)) return annex;
      this.checkBudget();
      if (Date.now() > until) throw new CliError(`the demo gave up waiting for ${what}`, EXIT.failure);
      await sleep(500);
    }
  }

  private leaseText(annex: PlainAd | undefined): string {
    const beat = read.number(annex, "LastHeartbeat");
    // CloudWatch reports datapoints by period, so the time is the start of the heartbeat's minute.
    return `alarm ${read.string(read.ad(annex, "Alarm"), "State") ?? "?"}, newest heartbeat datapoint ${
      beat === undefined ? "none in the window" : new Date(beat * 1000).toISOString().slice(11, 19)
    }`;
  }

  async run(): Promise<void> {
    const t = this.timeline;
    const out = this.ctx.io.stdout;
    out.write(
      "condor-annex demo: a local AWS emulator, the real annex-gahp helper, and a scripted HTCondor queue.\n" +
        "Nothing here talks to AWS; everything runs on 127.0.0.1 and is removed at the end.\n",
    );

    t.phase("0. Prerequisites");
    const { python, version, hasPins } = await checkDemoPrerequisites();
    t.event(
      "check",
      `Node.js ${process.versions.node}; Python ${version} (${python})${
        hasPins
          ? " with every pinned package"
          : " with venv (a first run installs the emulator's packages: a minute or two)"
      }`,
    );
    t.event(
      "logs",
      `the helper's and the emulator's logs are in ${this.dir} (removed at the end, kept if the demo fails)`,
    );

    t.phase("1. A local AWS");
    let pythonEnv: { python: string };
    try {
      pythonEnv = await ensurePythonEnv();
    } catch (error) {
      throw new CliError(
        `installing the emulator's pinned Python packages (emulator/requirements.txt) from PyPI failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
        EXIT.failure,
      );
    }
    if (!hasPins) t.event("python", `the emulator's pinned packages are in ${pythonEnv.python}`);
    this.emulator = await startEmulator({
      logDir: this.dir,
      realTimeEvaluationSeconds: 0,
      // Lambda code is unpacked inside the demo's directory, so removing it leaves nothing behind.
      env: { ANNEX_LAMBDA_WORKDIR: join(this.dir, "lambda") },
    });
    const endpoint = this.emulator.endpoint;
    t.event(
      "emulator",
      `moto + annex_moto at ${endpoint}: CloudFormation, EC2, Auto Scaling, CloudWatch, SNS, Lambda, S3`,
    );
    writeFileSync(join(this.dir, "pool.token"), `${DEMO_TOKEN}\n`);
    chmodSync(join(this.dir, "pool.token"), 0o600);
    const env = demoEnvironment(this.ctx.env, endpoint, this.dir);
    const demoCtx = processContext(this.ctx.io, new HTCondorKnobs({ env }), env);
    this.helper = await demoCtx.startHelper();
    t.event("helper", `annex-gahp started and speaking GAHP: ${this.helper.gahp.banner}`);

    t.phase("2. One-time setup (condor-annex setup)");
    const setup = (await this.h.call("ANNEX_SETUP", {})).plain;
    t.event(
      "setup",
      `stack ${read.string(setup, "StackName") ?? "?"} ${read.string(setup, "StackStatus") ?? "?"}: lease Lambda, token bucket, CloudFormation role, sweeper schedule`,
    );
    t.event("setup", `lease Lambda ${read.string(setup, "LeaseFunctionArn") ?? "?"}`);

    t.phase("3. Jobs ask for an annex; demand creates and scales it");
    t.event("queue", `alice submits 12 jobs (2 CPUs, 3 GB each) with +AnnexRequest = ${DEMO_REQUEST}`);
    const first = await this.send({ idle: 12, running: 0, done: 0 });
    t.event("demand", this.describeDemand(first));
    const created = await this.waitFor("the annex stack", (annex) =>
      (read.string(annex, "StackStatus") ?? "").endsWith("_COMPLETE"),
    );
    t.event(
      "aws",
      `stack ${read.string(created, "StackName") ?? "?"} ${read.string(created, "StackStatus") ?? "?"}: AutoScaling group, launch template, lease alarm → SNS → lease Lambda`,
    );
    let desired = read.number(read.ad(created, "Group"), "DesiredCapacity") ?? 0;
    for (let round = 0; round < 8; round++) {
      const annex = await this.send({ idle: 12, running: 0, done: 0 });
      const next = read.number(annex, "DesiredCapacity") ?? desired;
      if (next !== desired || round === 0) t.event("demand", this.describeDemand(annex));
      const target = read.number(annex, "TargetInstances") ?? 0;
      desired = next;
      if (desired >= target && round > 0) break;
      this.checkBudget();
      await sleep(1000);
    }
    const scaled = await annexStatus(this.h);
    t.event(
      "aws",
      `group desired ${read.number(read.ad(scaled, "Group"), "DesiredCapacity") ?? "?"}, ${read.number(scaled, "InstanceCount") ?? 0} instance(s) launched (damped ramp-up, capped by MaxInstances = 4)`,
    );

    t.phase("4. Heartbeats keep the lease");
    // The helper's own timer re-sends heartbeats between snapshots; its log shows each round.
    const beats = followLog(join(this.dir, "AnnexGahpLog"), /demand: heartbeat round/, (line) => {
      const round = /heartbeat round in (\S+): (\d+) annexes, (\d+) PutMetricData/.exec(line);
      t.event(
        "heartbeat",
        round === null
          ? line
          : `helper's timer: heartbeat round in ${round[1]}, ${round[2]} annex(es), ${round[3]} PutMetricData call(s)`,
      );
    });
    await sleep(HEARTBEAT_INTERVAL_SECONDS * 1000 + 700);
    beats.stop();
    await this.emulator.evaluateNow();
    t.event("lease", `CloudWatch evaluates the lease alarm: ${this.leaseText(await annexStatus(this.h))}`);

    t.phase("5. Jobs run on the annex and drain");
    t.event("queue", "8 jobs start on the annex, 4 still idle");
    t.event("demand", this.describeDemand(await this.send({ idle: 4, running: 8, done: 0 })));
    await sleep(1000);
    t.event("queue", "8 jobs finished; the last 4 run");
    t.event("demand", this.describeDemand(await this.send({ idle: 0, running: 4, done: 8 })));
    await this.emulator.evaluateNow();
    t.event("lease", this.leaseText(await annexStatus(this.h)));
    await sleep(1000);
    t.event("queue", "all 12 jobs done: the queue holds no job for the annex");
    const empty = await this.send({ idle: 0, running: 0, done: 12 });
    t.event(
      "demand",
      empty === undefined
        ? "no job asks for demo-burst any more: no heartbeat is sent"
        : `${this.describeDemand(empty)}: heartbeats stop`,
    );

    t.phase("6. No heartbeats: the lease deletes the annex (nothing on the AP has to act)");
    const advance = LEASE_MINUTES * 60 + 3 * ALARM_PERIOD_SECONDS;
    t.event(
      "emulator",
      `${advance} s pass on CloudWatch's clock (the lease is ${LEASE_MINUTES} min at ${ALARM_PERIOD_SECONDS}-second periods)`,
    );
    await this.emulator.advance(advance);
    const fired = await annexStatus(this.h);
    t.event(
      "lease",
      fired === undefined
        ? "alarm ALARM → SNS → lease Lambda confirmed no heartbeat and deleted the stack"
        : `alarm ${read.string(read.ad(fired, "Alarm"), "State") ?? "?"} → SNS → lease Lambda: stack ${read.string(fired, "StackStatus") ?? "?"}`,
    );
    const gone = await this.waitFor(
      "the stack's deletion",
      (annex) => annex === undefined || read.string(annex, "StackStatus") === "DELETE_COMPLETE",
    );
    t.event(
      "aws",
      `${gone === undefined ? "stack HTCondorAnnex-demo-burst is gone" : "stack DELETE_COMPLETE"}: instances terminated, the bill has ended`,
    );
  }

  /**
   * Stops the helper and the emulator and removes the temporary directory (kept, with its logs,
   * when `keepLogs`); never throws.
   */
  async cleanup(keepLogs = false): Promise<void> {
    await this.helper?.close().catch(() => {});
    this.helper = undefined;
    await this.emulator?.stop().catch(() => {});
    this.emulator = undefined;
    if (!keepLogs) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Where the helper log and emulator log are while the demo runs. */
  get workDir(): string {
    return this.dir;
  }

  get elapsedSeconds(): number {
    return this.timeline.elapsedMs / 1000;
  }
}

/** `condor-annex demo`. */
export function buildDemoCommand(ctx: CliContext): Command {
  return new Command("demo")
    .description(
      "run the whole story locally in about a minute: emulator, setup, a scripted queue, an annex created and scaled, " +
        "heartbeats, jobs draining, the lease expiring and the Lambda deleting the stack (needs Python 3.9+)",
    )
    .action(async () => {
      const demo = new Demo(ctx);
      const interrupted = () => {
        void demo.cleanup().then(() => process.exit(130));
      };
      process.once("SIGINT", interrupted);
      process.once("SIGTERM", interrupted);
      let failed = false;
      try {
        await demo.run();
      } catch (error) {
        failed = true;
        ctx.io.stderr.write(`demo failed; its logs are kept in ${demo.workDir}\n`);
        throw error;
      } finally {
        process.off("SIGINT", interrupted);
        process.off("SIGTERM", interrupted);
        await demo.cleanup(failed);
      }
      ctx.io.stdout.write(
        `\nDemo finished in ${demo.elapsedSeconds.toFixed(1)} s; the emulator and helper are stopped and temporary files removed.\n`,
      );
    });
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsClients } from "../../../src/aws/index.js";
import { repoRoot } from "../../../src/emulator/python-env.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { type AccessPoint, startAccessPoint } from "../../support/htcondor/access-point.js";
import { testbedProblem } from "../../support/htcondor/debian-root.js";
import { InstanceSimulator } from "../../support/htcondor/instance-simulator.js";

/**
 * The whole burst loop against a real HTCondor 25.14.1 pool and the AWS emulator, configured only
 * from condor-config/ as the admin guide says (CONDOR_ANNEX_HOME, the emulator's address, and
 * documented timing knobs so that it runs in minutes): a user submits the chem-burst example; the
 * watch that condor_master runs reads the real queue; the helper creates and sizes the annex; the
 * instance simulator boots each instance from the launch template's user data into a real
 * condor_startd that joins the pool; the annex's jobs run there and complete, jobs for another
 * annex or none never start there; when the queue empties the heartbeats stop, the alarm fires,
 * the lease Lambda deletes the stack and the instances leave the pool. Then: an instance that shuts
 * itself down when idle; a dead schedd (the lease ends the annex); a killed watch (the master
 * restarts it and it adopts what AWS holds).
 */
const target = useEmulator();
const problem = (await testbedProblem()) ?? extensionSkipReason(target());
if (problem !== undefined) process.stderr.write(`[htcondor] skipped: ${problem}\n`);

/** Documented knobs that make the loop run in minutes instead of hours (docs/annex-commands.md). */
const TIMING = {
  ANNEX_WATCH_INTERVAL: "3",
  ANNEX_LEASE_ALARM_PERIOD: "10",
  ANNEX_SNAPSHOT_MAX_AGE: "20",
  ANNEX_DEMAND_STATE_CACHE: "2",
};

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

describe.skipIf(problem !== undefined)("the burst loop on a real pool", { timeout: 600_000 }, () => {
  let ap: AccessPoint;
  let simulator: InstanceSimulator;
  let aws: AwsClients;
  const endpoint = target().endpoint ?? "";

  beforeAll(async () => {
    ap = await startAccessPoint({ endpoint, config: TIMING });
    const setup = await ap.condorAnnex(["setup"], { timeoutMs: 600_000 });
    expect(setup.code, `${setup.stdout}${setup.stderr}`).toBe(0);
    simulator = await InstanceSimulator.start({ root: ap.root, endpoint });
    aws = new AwsClients({
      region: "us-east-1",
      endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  }, 900_000);

  afterAll(async () => {
    await simulator?.stop();
    await ap?.stop();
    await aws?.destroy();
  });

  /** The annex's stack status, or undefined when it is gone. */
  async function stackStatus(name: string): Promise<string | undefined> {
    const cloudFormation = await aws.cloudFormation();
    try {
      const stack = (
        await cloudFormation.send(new DescribeStacksCommand({ StackName: `HTCondorAnnex-${name}` }))
      ).Stacks?.[0];
      return stack?.StackStatus === "DELETE_COMPLETE" ? undefined : stack?.StackStatus;
    } catch {
      return undefined;
    }
  }

  async function group(name: string) {
    const autoScaling = await aws.autoScaling();
    const groups =
      (
        await autoScaling.send(
          new DescribeAutoScalingGroupsCommand({
            Filters: [{ Name: "tag:htcondor:AnnexName", Values: [name] }],
          }),
        )
      ).AutoScalingGroups ?? [];
    return groups[0];
  }

  /** Waits until no annex slot is in the pool; a timeout names what stayed and what the simulator did. */
  async function leavesThePool(what: string): Promise<void> {
    try {
      await until(what, async () => {
        await simulator.syncNow();
        return (await annexSlots()).length === 0 || undefined;
      });
    } catch (error) {
      const left = (await annexSlots()).join(", ");
      const collector = await ap.logTail("CollectorLog", 40).catch(() => "");
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}; still in the pool: ${left}\nsimulator:\n${simulator.history()}\nCollectorLog:\n${collector}`,
      );
    }
  }

  /** Annex startds in the collector: `EC2InstanceID AnnexName` lines. */
  async function annexSlots(): Promise<string[]> {
    const out = await ap.must([
      "condor_status",
      "-startd",
      "-constraint",
      "IsAnnex =?= true",
      "-af",
      "EC2InstanceID",
      "AnnexName",
    ]);
    return out.split("\n").filter((line) => line.trim() !== "");
  }

  /** The jobs of a cluster: `ProcId JobStatus NumJobStarts` lines, from the queue and the history. */
  async function jobStates(
    cluster: number,
  ): Promise<Map<number, { status: number; starts: number; host: string }>> {
    const states = new Map<number, { status: number; starts: number; host: string }>();
    for (const tool of ["condor_history", "condor_q"]) {
      const out = await ap.run(
        [tool, `${cluster}`, "-af", "ProcId", "JobStatus", "NumJobStarts", "LastRemoteHost"],
        {
          user: "alice",
        },
      );
      for (const line of out.stdout.split("\n")) {
        const [proc, status, starts, host] = line.trim().split(/\s+/);
        if (proc === undefined || proc === "" || status === undefined) continue;
        states.set(Number(proc), { status: Number(status), starts: Number(starts ?? 0), host: host ?? "" });
      }
    }
    return states;
  }

  async function endLease(name: string): Promise<void> {
    // The snapshots no longer heartbeat this annex; move the alarm clock past its window.
    await until(`the helper to stop heartbeating ${name}`, async () => {
      const log = await ap.gahpLog();
      return (
        /no annex has demand; heartbeats stop|is stale; heartbeats stop|no heartbeats/.test(
          log.slice(-20_000),
        ) || undefined
      );
    });
    await until(
      `the lease of ${name} to delete its stack`,
      async () => {
        await advanceEmulator(endpoint, 150);
        return (await stackStatus(name)) === undefined || undefined;
      },
      180_000,
    );
  }

  let chemCluster = 0;
  let otherCluster = 0;
  let plainCluster = 0;

  it("a user submits the chem-burst example: the watch creates and sizes the annex from the real queue", async () => {
    const example = readFileSync(join(repoRoot, "condor-config/examples/chem-burst.sub"), "utf8").replace(
      /^queue 200$/m,
      "queue 4",
    );
    expect(example).toContain("queue 4");
    await ap.must(
      [
        "sh",
        "-c",
        "mkdir -p out && printf '#!/bin/sh\\necho \"job $1 on $(hostname)\"\\nsleep 3\\n' > run-simulation.sh && chmod +x run-simulation.sh",
      ],
      { user: "alice" },
    );
    chemCluster = (await ap.submit("alice", example)).cluster;
    // Jobs the annex must never run: one for an annex whose type EC2 does not know, one for none.
    otherCluster = (
      await ap.submit(
        "alice",
        'executable = /bin/true\n+AnnexRequest = [ Name = "other-annex"; InstanceTypes = { "x9.nope" } ]\nqueue\n',
      )
    ).cluster;
    plainCluster = (await ap.submit("bob", "executable = /bin/true\nqueue\n")).cluster;
    await until("the annex stack", async () => (await stackStatus("chem-burst")) !== undefined);
    // Four 4-core jobs on 8-core c6i.2xlarge instances: two instances, reached in damped steps.
    await until(
      "the group to reach two instances",
      async () => (await group("chem-burst"))?.DesiredCapacity === 2 || undefined,
    );
    const log = await ap.watchLog();
    expect(log).toMatch(
      /chem-burst: idle 4, running 0, unmatched 0, conflicting 0; instances 0 → 1 \(target 2\); action create/,
    );
    expect(log).toMatch(/other-annex: idle 0, running 0, unmatched 1/);
    const verdicts = await ap.must(["condor_q", "-allusers", "-af", "ClusterId", "AnnexRequestStatus"]);
    expect(verdicts).toContain(`${chemCluster} Matched`);
    expect(verdicts).toContain(`${otherCluster} Unmatched`);
  });

  it("the instances boot from their user data into startds that join the pool as the annex's", async () => {
    const joined = await until("two annex startds in the collector", async () => {
      await simulator.syncNow();
      const slots = [...new Set(await annexSlots())];
      return slots.length >= 2 ? slots : undefined;
    });
    const instanceIds = ((await group("chem-burst"))?.Instances ?? []).map((i) => i.InstanceId).sort();
    expect(joined.map((line) => line.split(" ")[0]).sort()).toEqual(instanceIds);
    expect(joined.every((line) => line.endsWith(" chem-burst"))).toBe(true);
    for (const machine of simulator.instances()) {
      expect(simulator.bootstrapLog(machine.instanceId)).toMatch(
        /pool token installed[\s\S]*HTCondor started/,
      );
      expect(machine.instanceType).toBe("c6i.2xlarge");
    }
    const status = await ap.condorAnnex(["status", "chem-burst"]);
    expect(status.stdout).toMatch(/chem-burst\s+running\s+2\s+2\s+2 \(\d claimed\)/);
  });

  it("the annex's jobs run there and complete; jobs for another annex or none never start there", async () => {
    const done = await until(
      "the four jobs to complete",
      async () => {
        const states = await jobStates(chemCluster);
        return [0, 1, 2, 3].every((proc) => states.get(proc)?.status === 4) ? states : undefined;
      },
      240_000,
    );
    const instanceIds = new Set(
      ((await group("chem-burst"))?.Instances ?? []).map((i) => i.InstanceId ?? ""),
    );
    for (const proc of [0, 1, 2, 3]) {
      const host = done.get(proc)?.host ?? "";
      expect([...instanceIds].some((id) => host.endsWith(`@${id}`))).toBe(true);
    }
    const out = readFileSync(join(ap.root.dir, await ap.userDir("alice"), "out/0.out"), "utf8");
    expect(out).toMatch(/^job 0 on i-[0-9a-f]+\n$/);
    expect([...instanceIds]).toContain(out.trim().split(" ").at(-1));
    for (const cluster of [otherCluster, plainCluster]) {
      const states = await jobStates(cluster);
      expect(states.get(0)).toMatchObject({ status: 1, starts: 0 });
    }
  });

  it("once the queue is done the heartbeats stop, the lease deletes the stack and the instances leave the pool", async () => {
    await endLease("chem-burst");
    await leavesThePool("the instances to leave the pool");
    expect(simulator.instances().filter((m) => m.annexName === "chem-burst")).toEqual([]);
    const status = await ap.condorAnnex(["status"]);
    expect(status.stdout).not.toContain("chem-burst");
  });

  it("an instance idle for IdleMinutes shuts itself down and leaves its group", async () => {
    await ap.run(["condor_rm", "-all"], { user: "alice" });
    await ap.run(["condor_rm", "-all"], { user: "bob" });
    const cluster = (
      await ap.submit(
        "alice",
        'executable = /bin/true\n+AnnexRequest = [ Name = "idle-burst"; InstanceTypes = { "c5.large" }; MaxInstances = 1; IdleMinutes = 1; LeaseMinutes = 30 ]\nqueue\n',
      )
    ).cluster;
    await until(
      "the job to run on the annex and complete",
      async () => {
        await simulator.syncNow();
        return (await jobStates(cluster)).get(0)?.status === 4 || undefined;
      },
      240_000,
    );
    const [instance] = (await group("idle-burst"))?.Instances ?? [];
    expect(instance?.InstanceId).toBeDefined();
    // STARTD_NOCLAIM_SHUTDOWN (60 s) ends the startd, the master follows and its shutdown script
    // terminates the instance and lowers the group — no lease involved (it is 30 minutes).
    await until(
      "the idle instance to leave its group",
      async () => {
        const g = await group("idle-burst");
        return (g?.DesiredCapacity === 0 && (g.Instances ?? []).length === 0) || undefined;
      },
      300_000,
    );
    expect(await stackStatus("idle-burst")).toBeDefined();
    await leavesThePool("its startd to leave the pool");
    expect((await ap.condorAnnex(["delete", "idle-burst"])).code).toBe(0);
  });

  it("when the schedd dies the snapshots go stale, the heartbeats stop and the lease ends the annex", async () => {
    await ap.submit(
      "alice",
      'executable = /bin/sleep\narguments = 600\n+AnnexRequest = [ Name = "ap-dies"; InstanceTypes = { "c5.large" }; MaxInstances = 1; LeaseMinutes = 2 ]\nqueue\n',
    );
    await until("the annex", async () => (await stackStatus("ap-dies")) !== undefined);
    await ap.must(["condor_off", "-schedd"]);
    await until(
      "the watch to give up on the queue",
      async () => /no fresh snapshot to send, heartbeats will stop/.test(await ap.watchLog()) || undefined,
    );
    expect(await ap.watchLog()).toMatch(/queue query failed \(the queue query exited with status 1: Error: /);
    await endLease("ap-dies");
    await ap.must(["condor_on", "-schedd"]);
    await until(
      "the schedd to answer again",
      async () => (await ap.run(["condor_q", "-totals"])).code === 0 || undefined,
    );
    await ap.run(["condor_rm", "-all"], { user: "alice" });
  });

  it("when the watch is killed, condor_master restarts it and it adopts the annex AWS holds", async () => {
    await ap.submit(
      "alice",
      'executable = /bin/sleep\narguments = 600\n+AnnexRequest = [ Name = "watch-dies"; InstanceTypes = { "c5.large" }; MaxInstances = 1; LeaseMinutes = 5 ]\nqueue\n',
    );
    await until("the annex", async () => (await stackStatus("watch-dies")) !== undefined);
    const before = await ap.gahpLog();
    const killed = ap.watchProcesses();
    expect(killed).toHaveLength(1);
    for (const { pid } of killed) process.kill(pid, "SIGKILL");
    await until(
      "a new watch round",
      async () => {
        const log = await ap.watchLog();
        const starts = log.split("condor-annex watch starting").length - 1;
        return (
          starts >= 2 &&
          /watch-dies: .*action (none|wait|resize)/.test(
            log.slice(log.lastIndexOf("condor-annex watch starting")),
          )
        );
      },
      120_000,
    );
    const after = (await ap.gahpLog()).slice(before.length);
    expect(after).not.toMatch(/created annex watch-dies/);
    expect(after).toMatch(/watch-dies heartbeat=1/);
    await ap.run(["condor_rm", "-all"], { user: "alice" });
    await endLease("watch-dies");
  });
});

/**
 * Crash safety of annex-gahp: the real helper is killed with SIGKILL at a seeded random moment
 * during ANNEX_CREATE, a resize (ANNEX_CREATE with a new Count) or ANNEX_DELETE. For each trial a
 * restarted helper must rebuild its view from AWS alone (ANNEX_LIST equals the annex stacks the
 * emulator holds, read directly), converge when the operation is issued again, and leave no
 * orphan. An annex whose helper is killed and never restarted is still ended by its lease:
 * emulator time passes, the alarm fires, SNS runs the lease Lambda, and every resource goes.
 *
 * Knobs: ANNEX_CRASH_TRIALS (default 24), ANNEX_CRASH_SEED (default 9).
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnnexOperations, annexStackName } from "../../../src/annex/index.js";
import type { AwsClients } from "../../../src/aws/index.js";
import { AwsInventory, countResources, type Inventory, orphans } from "../../support/aws-inventory.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { seededRandom } from "../../support/seeded-random.js";
import { request as annexRequest, helper } from "../annex/fixture.js";
import {
  type AnnexGahp,
  leaseZipFile,
  type Plain,
  POOL_A,
  startAnnexGahp,
  tokenFile,
} from "../gahp-annex/gahp-helper.js";

const TRIALS = Number(process.env.ANNEX_CRASH_TRIALS ?? 24);
const SEED = Number(process.env.ANNEX_CRASH_SEED ?? 9);
const OPERATIONS = ["create", "resize", "delete"] as const;
type Operation = (typeof OPERATIONS)[number];

const target = useEmulator();
const skip = extensionSkipReason(target());

const KNOBS = { ANNEX_LEASE_ALARM_PERIOD: "10" };

function createAd(name: string, count: number): string {
  return `[ Name = "${name}"; InstanceTypes = { "m6i.large" }; MaxInstances = 4; Count = ${count}; LeaseMinutes = 2 ]`;
}

function names(listed: { [name: string]: Plain }): string[] {
  return (listed.Annexes as Plain[])
    .map((annex) =>
      annex !== null && typeof annex === "object" && !Array.isArray(annex) ? annex.Name : null,
    )
    .map(String)
    .sort();
}

/** Kills the helper's process with SIGKILL and waits for it to be gone. */
async function kill9(gahp: AnnexGahp): Promise<void> {
  const child = gahp.client.process;
  if (child === undefined) throw new Error("the helper has no process");
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  child.kill("SIGKILL");
  await exited;
  await gahp.client.close().catch(() => {});
  rmSync(dirname(gahp.logPath), { recursive: true, force: true });
}

describe.skipIf(skip !== undefined)("annex-gahp killed with SIGKILL at random points", () => {
  const token = tokenFile();
  let zip: { path: string; cleanup: () => void };
  let ops: AnnexOperations;
  let clients: AwsClients;
  let inventory: AwsInventory;
  let bucket = "";
  let baseline: Inventory;
  const random = seededRandom(SEED);
  const outcomes: string[] = [];

  const start = () => startAnnexGahp(target(), { pool: POOL_A, tokenPath: token.path, knobs: KNOBS });

  /** Annex stacks the emulator holds (not deleted), read directly. */
  async function liveAnnexes(): Promise<string[]> {
    const snapshot = await inventory.snapshot(bucket);
    return snapshot.stacks
      .map((line) => line.split(" "))
      .filter(([name, status]) => name?.startsWith(annexStackName("")) && !status?.startsWith("DELETE_"))
      .map(([name]) => (name ?? "").slice(annexStackName("").length))
      .sort();
  }

  /**
   * The annex stacks once AWS has finished what the dead helper's last request started: a
   * request already sent is still carried out after its sender dies, so read until two reads
   * half a second apart agree (status included).
   */
  async function settledAnnexes(): Promise<string[]> {
    let previous = "";
    for (let attempt = 0; attempt < 40; attempt++) {
      const snapshot = (await inventory.snapshot(bucket)).stacks.sort().join("\n");
      if (snapshot === previous) return liveAnnexes();
      previous = snapshot;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error("the emulator's stacks did not settle within 20 s");
  }

  beforeAll(async () => {
    zip = await leaseZipFile();
    const first = await startAnnexGahp(target(), {
      pool: POOL_A,
      tokenPath: token.path,
      leaseZipPath: zip.path,
      knobs: KNOBS,
    });
    bucket = String((await first.ok("ANNEX_SETUP", "[]", 300_000)).TokenBucket);
    await first.stop();
    ({ ops, clients } = helper(target(), POOL_A, token.path));
    inventory = new AwsInventory(target());
    baseline = await inventory.snapshot(bucket);
  }, 300_000);

  afterAll(async () => {
    process.stdout.write(`[crash] seed ${SEED}: ${outcomes.join("; ")}\n`);
    await clients?.destroy();
    inventory?.destroy();
    zip?.cleanup();
    token.cleanup();
  });

  /**
   * How long each operation takes in a freshly started helper (module loading included), so the
   * kills spread over the whole operation whatever the machine's speed: kill windows are 1.2×.
   */
  async function calibrate(): Promise<Record<Operation, number>> {
    const timed = async (command: string, ad: string): Promise<number> => {
      const gahp = await start();
      try {
        const started = Date.now();
        await gahp.ok(command, ad, 120_000);
        return Date.now() - started;
      } finally {
        await gahp.stop();
      }
    };
    const create = await timed("ANNEX_CREATE", createAd("calibration", 1));
    const resize = await timed("ANNEX_CREATE", createAd("calibration", 3));
    const del = await timed("ANNEX_DELETE", '[ Name = "calibration" ]');
    const windows = { create: create * 1.2, resize: resize * 1.2, delete: del * 1.2 };
    process.stdout.write(`[crash] operation times (ms): create ${create}, resize ${resize}, delete ${del}\n`);
    return windows;
  }

  it(`${TRIALS} trials: after a kill -9 a restarted helper lists what AWS holds, converges and leaves no orphan`, async () => {
    let killWindowMs = await calibrate();
    let killedInFlight = 0;
    let trials = 0;
    const phases = new Set<string>();
    /** One trial: `operation` killed in the early or the late half of its window (× `stretch`). */
    const runTrial = async (operation: Operation, late: boolean, stretch = 1): Promise<void> => {
      const trial = trials++;
      const name = `crash-${trial}`;
      // Preconditions, done in-process (not through the helper under test).
      if (operation !== "create") await ops.create(annexRequest({ Name: name, Count: 1, MaxInstances: 4 }));

      const victim = await start();
      const ad =
        operation === "delete" ? `[ Name = "${name}" ]` : createAd(name, operation === "create" ? 1 : 3);
      const command = operation === "delete" ? "ANNEX_DELETE" : "ANNEX_CREATE";
      let answered = false;
      const pending = victim.call(command, ad).then(
        () => {
          answered = true;
        },
        () => {},
      );
      const delay = Math.floor(
        (late ? 0.5 + random() * 0.5 : random() * 0.5) * killWindowMs[operation] * stretch,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      await kill9(victim);
      await pending;
      if (!answered) killedInFlight++;
      // Where the kill landed, as AWS shows it (the trials should cover before, during and after).
      const present = (await settledAnnexes()).includes(name);
      const capacity = present ? (await ops.status({ name }))[0]?.group?.desiredCapacity : undefined;
      const phase = present ? `stack present, capacity ${capacity ?? "?"}` : "no stack";
      phases.add(`${operation}: ${phase}`);

      // A new helper knows only what AWS says.
      const restarted = await start();
      let reissued = "";
      try {
        const listed = names(await restarted.ok("ANNEX_LIST", "[]"));
        expect(listed, `trial ${trial} (${operation}, killed at ${delay} ms)`).toEqual(await liveAnnexes());
        // Issued again, the operation completes.
        const again = await restarted.ok(command, ad, 120_000);
        if (operation === "delete") {
          expect(again.StackStatus).toBe("DELETE_COMPLETE");
          expect(await liveAnnexes()).not.toContain(name);
        } else {
          expect(again.StackStatus).toBe("CREATE_COMPLETE");
          // "adopted": the killed helper's CreateStack had reached AWS; "created": it had not.
          phases.add(`${operation}: re-issue ${String(again.Outcome)}`);
          reissued = String(again.Outcome);
          const [status] = await ops.status({ name });
          expect(status?.group?.desiredCapacity).toBe(operation === "create" ? 1 : 3);
          // Clean up through the restarted helper, so the no-orphan check covers its delete too.
          expect((await restarted.ok("ANNEX_DELETE", `[ Name = "${name}" ]`, 120_000)).StackStatus).toBe(
            "DELETE_COMPLETE",
          );
        }
      } finally {
        await restarted.stop();
      }
      outcomes.push(
        `${operation}@${delay}ms → ${phase}${answered ? " (answered)" : ""}${reissued === "" ? "" : `, ${reissued}`}`,
      );
    };
    for (let trial = 0; trial < TRIALS; trial++) {
      // The machine's load changes while the trials run (other test files start and end): time
      // the operations again after each round of early and late kills, so the windows follow it.
      if (trial > 0 && trial % (2 * OPERATIONS.length) === 0) killWindowMs = await calibrate();
      // Alternate early and late halves of the window, so both sides of each AWS call get kills.
      await runTrial(
        OPERATIONS[trial % OPERATIONS.length] ?? "create",
        Math.floor(trial / OPERATIONS.length) % 2 === 1,
      );
    }
    // Kills must land before and after the create's CreateStack reached AWS, before and after the
    // resize, before and after the deletion. The windows were timed once; when the machine's load
    // changed since, a side may have been missed: time the operations again and aim more kills at
    // it (a few at most), a late side's further out each time (the load may still be rising).
    const wanted: [string, Operation, boolean][] = [
      ["create: re-issue created", "create", false],
      ["create: re-issue adopted", "create", true],
      ["delete: stack present, capacity 1", "delete", false],
      ["delete: no stack", "delete", true],
      ["resize: stack present, capacity 1", "resize", false],
      ["resize: stack present, capacity 3", "resize", true],
    ];
    if (TRIALS >= 12 && wanted.some(([phase]) => !phases.has(phase))) {
      killWindowMs = await calibrate();
      for (const [phase, operation, late] of wanted) {
        for (let extra = 0; extra < 6 && !phases.has(phase); extra++) {
          await runTrial(operation, late, late ? 1 + extra * 0.15 : 1);
        }
      }
    }
    process.stdout.write(`[crash] ${trials} trials, ${killedInFlight} killed with the operation in flight\n`);
    process.stdout.write(`[crash] states at the kill: ${[...phases].sort().join("; ")}\n`);
    expect(killedInFlight).toBeGreaterThanOrEqual(TRIALS / 3);
    if (TRIALS >= 12) for (const [phase] of wanted) expect(phases).toContain(phase);
    const left = orphans(baseline, await inventory.snapshot(bucket));
    process.stdout.write(`[crash] orphans: ${countResources(left)}\n`);
    expect(left).toEqual({});
  }, 900_000);

  it("an annex whose helper was killed and never restarted is ended by its lease (alarm → SNS → Lambda)", async () => {
    const victim = await start();
    await victim.ok("ANNEX_CREATE", createAd("abandoned", 2), 120_000);
    await kill9(victim);
    expect(await liveAnnexes()).toContain("abandoned");
    // No helper heartbeats any more: two lease windows (2 min each) pass on the emulator's clock.
    await advanceEmulator(target().endpoint ?? "", 150);
    await advanceEmulator(target().endpoint ?? "", 150);
    expect(await liveAnnexes()).not.toContain("abandoned");
    expect(orphans(baseline, await inventory.snapshot(bucket))).toEqual({});
  }, 300_000);
});

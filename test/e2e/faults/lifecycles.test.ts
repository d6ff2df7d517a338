/**
 * Annex lifecycles through a faulty network: every AWS call of the helper goes through the fault
 * proxy, which throttles 20% of requests (in each protocol's real error shape), fails 2% with a
 * 5xx, resets 5% of connections (half before the request reaches the emulator, half after the
 * emulator did the work) and delays some. Every lifecycle — create, resize, status, heartbeat, delete — must
 * complete; afterwards the emulator, read directly, holds no duplicate stack and no orphan of
 * any kind, and nothing rejected unhandled.
 *
 * The bulk runs with the SDK's `standard` retry mode; a few more run with the product default,
 * `adaptive`, whose client-side rate limiter slows the whole helper down under sustained
 * throttling (by design: about 5× the wall time at 20%), which would make the bulk too slow.
 *
 * Knobs: ANNEX_FAULT_LIFECYCLES (default 50), ANNEX_FAULT_ADAPTIVE_LIFECYCLES (default 4),
 * ANNEX_FAULT_SEED (default 20261126).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnnexOperations, annexStackName } from "../../../src/annex/index.js";
import { AwsAnnexCloud, AwsClients } from "../../../src/aws/index.js";
import { clientConfig } from "../../support/aws-clients.js";
import { AwsInventory, countResources, type Inventory, orphans } from "../../support/aws-inventory.js";
import { targetSkipReason, useEmulator } from "../../support/emulator.js";
import { describeCounts, type FaultProxy, startFaultProxy } from "../../support/fault-proxy.js";
import { DEFAULTS, leaseZipForSetup, POOL_A, request, tokenFile } from "../annex/fixture.js";

const LIFECYCLES = Number(process.env.ANNEX_FAULT_LIFECYCLES ?? 50);
const SEED = Number(process.env.ANNEX_FAULT_SEED ?? 20261126);
/** Lifecycles run with the product's default retry mode (adaptive), on top of LIFECYCLES. */
const ADAPTIVE_LIFECYCLES = Number(process.env.ANNEX_FAULT_ADAPTIVE_LIFECYCLES ?? 4);
const PARALLEL = 8;
const RATES = { throttle: 0.2, serverError: 0.02, reset: 0.05, latency: 0.1, latencyMs: [5, 40] as const };

const target = useEmulator();
const unavailable = targetSkipReason(target());

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

describe.skipIf(unavailable !== undefined)("annex lifecycles under injected AWS faults", () => {
  const token = tokenFile();
  let proxy: FaultProxy;
  const helpers: AwsClients[] = [];
  let inventory: AwsInventory;
  let bucket: string;
  let baseline: Inventory;
  const names: string[] = [];

  /** A helper whose every AWS call goes through the proxy. */
  function faultyHelper(retryMode: "standard" | "adaptive", through: FaultProxy = proxy): AnnexOperations {
    const config = clientConfig(target());
    const clients = new AwsClients({
      region: config.region,
      endpoint: through.endpoint,
      retryMode,
      ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    });
    helpers.push(clients);
    return new AnnexOperations({
      cloud: new AwsAnnexCloud(clients),
      defaults: DEFAULTS,
      pool: POOL_A,
      tokenSource: { kind: "file", path: token.path },
      polling: { intervalMs: 200, timeoutMs: 120_000 },
    });
  }

  async function lifecycle(ops: AnnexOperations, name: string): Promise<void> {
    const created = await ops.create(request({ Name: name, Count: 1, MaxInstances: 3 }));
    expect(created.stackStatus).toBe("CREATE_COMPLETE");
    const resized = await ops.resize(name, 2);
    expect(resized.desiredCapacity).toBe(2);
    const [status] = await ops.status({ name });
    expect(status?.group?.desiredCapacity).toBe(2);
    const beat = await ops.heartbeat([{ annexName: name, value: 2 }]);
    expect(beat.putMetricDataCalls).toBe(1);
    const deleted = await ops.delete(name);
    expect(deleted.stackStatus).toBe("DELETE_COMPLETE");
  }

  /** Runs `count` lifecycles, `parallel` at a time; returns the failures. */
  async function runLifecycles(ops: AnnexOperations, prefix: string, count: number): Promise<string[]> {
    const queue = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    names.push(...queue);
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          await lifecycle(ops, name).catch((error: unknown) => {
            failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
          });
        }
      }),
    );
    return failures;
  }

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    proxy = await startFaultProxy({
      upstream: clientConfig(target()).endpoint ?? "",
      rates: RATES,
      seed: SEED,
    });
    inventory = new AwsInventory(target());
    // Setup goes through the faults too.
    const setup = await faultyHelper("adaptive").setup({ leaseFunctionZip: leaseZipForSetup() });
    bucket = setup.outputs.tokenBucket;
    baseline = await inventory.snapshot(bucket);
  }, 300_000);

  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await Promise.all(helpers.map((clients) => clients.destroy()));
    await proxy?.stop();
    inventory?.destroy();
    token.cleanup();
  });

  it(`${LIFECYCLES} lifecycles (create, resize, status, heartbeat, delete) all complete (standard retries)`, async () => {
    const started = Date.now();
    const failures = await runLifecycles(faultyHelper("standard"), "fault", LIFECYCLES);
    process.stdout.write(
      `[faults] ${LIFECYCLES} lifecycles (standard) in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}\n`,
    );
    expect(failures).toEqual([]);
  }, 600_000);

  it(`${ADAPTIVE_LIFECYCLES} more complete with the default adaptive retries`, async () => {
    const started = Date.now();
    const failures = await runLifecycles(faultyHelper("adaptive"), "adaptive", ADAPTIVE_LIFECYCLES);
    process.stdout.write(
      `[faults] ${ADAPTIVE_LIFECYCLES} lifecycles (adaptive) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    expect(failures).toEqual([]);
  }, 600_000);

  it("every write whose answer is lost after AWS did the work is retried safely (one stack each)", async () => {
    // Deterministic: the first attempt of each distinct write reaches the emulator, then the
    // connection is reset; CreateStack included (the retry must not create a second stack).
    const lossy = await startFaultProxy({
      upstream: clientConfig(target()).endpoint ?? "",
      rates: {},
      firstAttemptFaults: {
        CreateStack: "resetAfter",
        UpdateAutoScalingGroup: "resetAfter",
        PutMetricData: "resetAfter",
        DeleteStack: "resetAfter",
        "PUT s3": "resetAfter",
        "DELETE s3": "resetAfter",
      },
    });
    try {
      const failures = await runLifecycles(faultyHelper("standard", lossy), "lost-answer", 4);
      const byOperation = lossy.counts.byOperation;
      process.stdout.write(`[faults] lost answers: ${JSON.stringify(byOperation)}\n`);
      expect(failures).toEqual([]);
      expect(byOperation["CreateStack:resetAfter"]).toBe(4);
      expect(byOperation["DeleteStack:resetAfter"]).toBe(4);
      expect(byOperation["UpdateAutoScalingGroup:resetAfter"]).toBe(4);
      expect(byOperation["PUT s3:resetAfter"] ?? 0).toBeGreaterThanOrEqual(4);
    } finally {
      await lossy.stop();
    }
  }, 300_000);

  it("the faults were injected at the configured rates, in every protocol", () => {
    const { counts } = proxy;
    process.stdout.write(
      `[faults] ${describeCounts(counts)}\n[faults] by protocol: ${JSON.stringify(counts.byProtocol)}\n`,
    );
    const faulted = counts.requests - counts.passedThrough;
    expect(faulted).toBeGreaterThan(names.length * 10);
    expect(counts.injected.throttle / faulted).toBeGreaterThan(0.15);
    expect(counts.injected.throttle / faulted).toBeLessThan(0.25);
    expect(counts.injected.resetBefore).toBeGreaterThan(0);
    expect(counts.injected.resetAfter).toBeGreaterThan(0);
    expect(counts.injected.serverError).toBeGreaterThan(0);
    for (const protocol of ["query", "ec2", "json", "s3"]) {
      expect(counts.byProtocol[`${protocol}:throttle`] ?? 0, protocol).toBeGreaterThan(0);
    }
  });

  it("the emulator, read directly, holds one stack per annex and no orphan of any kind", async () => {
    const history = await inventory.stackHistory();
    const duplicates = names
      .map((name) => ({ name, ids: history.get(annexStackName(name)) ?? [] }))
      .filter((entry) => entry.ids.length !== 1);
    expect(duplicates).toEqual([]);
    const left = orphans(baseline, await inventory.snapshot(bucket));
    process.stdout.write(`[faults] ${names.length} annexes checked; orphans: ${countResources(left)}\n`);
    expect(left).toEqual({});
  });

  it("nothing rejected unhandled", () => {
    expect(unhandled).toEqual([]);
  });
});

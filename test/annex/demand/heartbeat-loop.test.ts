import { describe, expect, it } from "vitest";
import { HeartbeatLoop, type IntervalTimer } from "../../../src/annex/demand/heartbeat-loop.js";
import type { LeaseHeartbeat } from "../../../src/annex/types.js";

/** A timer driven by the test: `fire()` runs one turn; `periods` lists every start. */
class HandTimer implements IntervalTimer {
  readonly periods: number[] = [];
  tick: (() => void) | undefined;
  start(periodMs: number, tick: () => void): { stop(): void } {
    this.periods.push(periodMs);
    this.tick = tick;
    return {
      stop: () => {
        if (this.tick === tick) this.tick = undefined;
      },
    };
  }
}

function setUp(options: { intervalMs?: number } = {}) {
  let now = 1_800_000_000_000;
  const timer = new HandTimer();
  const sent: Array<[string, LeaseHeartbeat[]]> = [];
  const log: string[] = [];
  const loop = new HeartbeatLoop({
    send: async (heartbeats, region) => {
      sent.push([region, [...heartbeats]]);
      if (region === "eu-west-1") throw new Error("ThrottlingException");
      return { annexes: heartbeats.length, putMetricDataCalls: 1 };
    },
    snapshotMaxAgeMs: 300_000,
    intervalMs: options.intervalMs ?? 60_000,
    now: () => now,
    log: (message) => log.push(message),
    timer,
  });
  return {
    loop,
    timer,
    sent,
    log,
    advance: (ms: number) => {
      now += ms;
    },
    nowSeconds: () => now / 1000,
  };
}

const chem = new Map([["us-east-1", [{ annexName: "chem", value: 4 }]]]);

describe("HeartbeatLoop", () => {
  it("re-sends the followed snapshot's heartbeats each turn while it is fresh, then stops", async () => {
    const t = setUp();
    t.loop.follow(t.nowSeconds(), chem, [20]);
    expect(t.timer.periods).toEqual([60_000]);
    t.advance(60_000);
    await t.loop.tick();
    expect(t.sent).toEqual([["us-east-1", [{ annexName: "chem", value: 4 }]]]);
    t.advance(250_000); // 310 s after the snapshot
    await t.loop.tick();
    expect(t.sent).toHaveLength(1);
    expect(t.loop.running).toBe(false);
    expect(t.timer.tick).toBeUndefined();
    expect(t.log.at(-1)).toMatch(/is stale; heartbeats stop until a fresh one arrives$/);
  });

  it("caps the period at half the shortest lease, never under a second", () => {
    const t = setUp({ intervalMs: 60_000 });
    t.loop.follow(t.nowSeconds(), chem, [30, 1]);
    expect(t.timer.periods).toEqual([30_000]);
    const fast = setUp({ intervalMs: 10 });
    fast.loop.follow(fast.nowSeconds(), chem, [20]);
    expect(fast.timer.periods).toEqual([1_000]);
  });

  it("keeps one timer across snapshots of the same period and restarts it when the period changes", () => {
    const t = setUp();
    t.loop.follow(t.nowSeconds(), chem, [20]);
    t.loop.follow(t.nowSeconds(), chem, [20]);
    expect(t.timer.periods).toEqual([60_000]);
    t.loop.follow(t.nowSeconds(), chem, [1]);
    expect(t.timer.periods).toEqual([60_000, 30_000]);
  });

  it("stops when a snapshot has no heartbeats, saying so", () => {
    const t = setUp();
    t.loop.follow(t.nowSeconds(), chem, [20]);
    t.loop.follow(t.nowSeconds(), new Map(), []);
    expect(t.loop.running).toBe(false);
    expect(t.log).toEqual(["demand: no annex has demand; heartbeats stop"]);
  });

  it("logs a failed region and still sends the others", async () => {
    const t = setUp();
    const two = new Map([
      ["eu-west-1", [{ annexName: "bio", value: 1 }]],
      ["us-east-1", [{ annexName: "chem", value: 4 }]],
    ]);
    t.loop.follow(t.nowSeconds(), two, [20]);
    await t.loop.tick();
    expect(t.sent.map(([region]) => region)).toEqual(["eu-west-1", "us-east-1"]);
    expect(t.log).toEqual([
      "demand: heartbeat round in eu-west-1 failed: ThrottlingException",
      "demand: heartbeat round in us-east-1: 1 annexes, 1 PutMetricData",
    ]);
    expect(t.loop.running).toBe(true);
  });
});

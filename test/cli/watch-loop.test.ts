import { describe, expect, it } from "vitest";
import { type QueueSnapshot, WatchLoop } from "../../src/cli/watch-loop.js";

interface Harness {
  loop: WatchLoop<string>;
  sent: QueueSnapshot<string>[];
  logs: string[];
  setNow(ms: number): void;
  setQueue(result: (() => Promise<readonly string[]>) | readonly string[] | Error): void;
}

function harness(staleAfterMs = 300_000, queryTimeoutMs = 1_000): Harness {
  let now = 1_000_000;
  let queue: () => Promise<readonly string[]> = async () => [];
  const sent: QueueSnapshot<string>[] = [];
  const logs: string[] = [];
  const loop = new WatchLoop<string>(
    {
      readQueue: () => queue(),
      send: async (snapshot) => {
        sent.push(snapshot);
      },
      log: (message) => logs.push(message),
      now: () => now,
      sleep: async () => {},
    },
    { intervalMs: 30_000, queryTimeoutMs, staleAfterMs },
  );
  return {
    loop,
    sent,
    logs,
    setNow: (ms) => {
      now = ms;
    },
    setQueue: (result) => {
      if (result instanceof Error) queue = async () => Promise.reject(result);
      else if (typeof result === "function") queue = result;
      else queue = async () => result;
    },
  };
}

describe("WatchLoop", () => {
  it("forwards each fresh snapshot with the time the query started", async () => {
    const h = harness();
    h.setQueue(["job1", "job2"]);
    expect(await h.loop.round()).toEqual({ kind: "fresh", jobs: 2 });
    expect(h.sent).toEqual([{ jobs: ["job1", "job2"], takenAt: 1_000_000 }]);
  });

  it("forwards an empty queue too, so demand can fall to zero", async () => {
    const h = harness();
    h.setQueue([]);
    await h.loop.round();
    expect(h.sent).toEqual([{ jobs: [], takenAt: 1_000_000 }]);
  });

  it("re-sends the last snapshot with its original time when a query fails", async () => {
    const h = harness();
    h.setQueue(["job1"]);
    await h.loop.round();
    h.setNow(1_060_000);
    h.setQueue(new Error("condor_q: Failed to connect to schedd"));
    const outcome = await h.loop.round();
    expect(outcome).toMatchObject({ kind: "resent", ageMs: 60_000 });
    expect(h.sent[1]).toEqual({ jobs: ["job1"], takenAt: 1_000_000 });
    expect(h.logs.join("\n")).toContain("Failed to connect to schedd");
  });

  it("stops sending once the last snapshot is stale, so heartbeats stop", async () => {
    const h = harness(300_000);
    h.setQueue(["job1"]);
    await h.loop.round();
    h.setNow(1_000_000 + 300_000);
    h.setQueue(new Error("schedd down"));
    expect(await h.loop.round()).toMatchObject({ kind: "stale" });
    expect(h.sent).toHaveLength(1);
  });

  it("sends nothing when the very first query fails", async () => {
    const h = harness();
    h.setQueue(new Error("no condor_q"));
    expect(await h.loop.round()).toMatchObject({ kind: "stale" });
    expect(h.sent).toHaveLength(0);
  });

  it("treats a query slower than the timeout as failed", async () => {
    const h = harness(300_000, 20);
    h.setQueue(() => new Promise((resolve) => setTimeout(() => resolve(["late"]), 200)));
    const outcome = await h.loop.round();
    expect(outcome).toMatchObject({ kind: "stale" });
    expect(outcome.kind === "stale" ? outcome.error : "").toMatch(/longer than 20 ms/);
  });

  it("survives a failing helper and keeps going", async () => {
    let calls = 0;
    const loop = new WatchLoop<string>(
      {
        readQueue: async () => ["j"],
        send: async () => {
          calls++;
          throw new Error("annex-gahp exited");
        },
        log: () => {},
        now: () => 0,
        sleep: async () => {},
      },
      { intervalMs: 1, queryTimeoutMs: 1_000, staleAfterMs: 1_000 },
    );
    const outcomes: string[] = [];
    await loop.run((outcome) => {
      outcomes.push(outcome.kind);
      if (outcomes.length === 3) loop.stop();
    });
    expect(outcomes).toEqual(["send-failed", "send-failed", "send-failed"]);
    expect(calls).toBe(3);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestTable } from "../../src/gahp/request-table.js";

interface Item {
  readonly requestId: number;
  readonly tag: number;
}

describe("RequestTable", () => {
  it("behaves like a Map keyed by request id, whatever the ids", () => {
    // Sequential ids (the usual case), ids a multiple of the slot counts apart (collisions that
    // grow the slot array, then overflow past its limit), and arbitrary positive ids.
    const id = fc.oneof(
      fc.integer({ min: 1, max: 3000 }),
      fc.integer({ min: 0, max: 40 }).map((k) => 1 + k * 1024),
      fc.integer({ min: 0, max: 20 }).map((k) => 7 + k * (1 << 17)),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    );
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(fc.constant("set" as const), id, fc.nat(9)) },
      { weight: 2, arbitrary: fc.tuple(fc.constant("delete" as const), id, fc.constant(0)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant("clear" as const), fc.constant(0), fc.constant(0)) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.array(id, { maxLength: 20 }), (ops, probes) => {
        const table = new RequestTable<Item>();
        const model = new Map<number, Item>();
        for (const [kind, requestId, tag] of ops) {
          if (kind === "set") {
            const item = { requestId, tag };
            table.set(item);
            model.set(requestId, item);
          } else if (kind === "delete") {
            expect(table.delete(requestId)).toBe(model.delete(requestId));
          } else {
            table.clear();
            model.clear();
          }
          expect(table.size).toBe(model.size);
        }
        for (const requestId of [...probes, ...model.keys()]) {
          expect(table.get(requestId)).toBe(model.get(requestId));
          expect(table.has(requestId)).toBe(model.has(requestId));
        }
        const ids = (items: Iterable<Item>) => [...items].map((item) => item.requestId).sort((a, b) => a - b);
        expect(ids(table.values())).toEqual(ids(model.values()));
      }),
      { numRuns: 300 },
    );
  });

  it("holds a sliding window of a thousand sequential requests", () => {
    const table = new RequestTable<Item>();
    for (let requestId = 1; requestId <= 100_000; requestId++) {
      table.set({ requestId, tag: 0 });
      if (requestId > 1000) expect(table.delete(requestId - 1000)).toBe(true);
    }
    expect(table.size).toBe(1000);
    expect(table.get(99_001)?.requestId).toBe(99_001);
    expect(table.get(99_000)).toBeUndefined();
  });
});

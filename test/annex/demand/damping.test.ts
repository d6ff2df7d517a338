import { describe, expect, it } from "vitest";
import { nextDesiredCapacity } from "../../../src/annex/demand/damping.js";

describe("nextDesiredCapacity", () => {
  it("closes a third of the gap per round by default", () => {
    expect(nextDesiredCapacity(0, 9, 20)).toBe(3);
    expect(nextDesiredCapacity(3, 9, 20)).toBe(5);
  });

  it("adds at least the minimum step while there is a gap", () => {
    expect(nextDesiredCapacity(4, 5, 20)).toBe(5);
  });

  it("reaches the target in a bounded number of rounds", () => {
    let current = 0;
    let rounds = 0;
    while (current < 100 && rounds < 50) {
      current = nextDesiredCapacity(current, 100, 1000);
      rounds++;
    }
    expect(current).toBe(100);
    expect(rounds).toBeLessThan(15);
  });

  it("never exceeds MaxInstances", () => {
    expect(nextDesiredCapacity(0, 50, 4, { attenuation: 1, minStep: 1 })).toBe(4);
  });

  it("jumps straight to the target with attenuation 1", () => {
    expect(nextDesiredCapacity(2, 12, 20, { attenuation: 1, minStep: 1 })).toBe(12);
  });

  it("never lowers capacity, whatever one snapshot says", () => {
    expect(nextDesiredCapacity(7, 0, 20)).toBe(7);
    expect(nextDesiredCapacity(7, 3, 20)).toBe(7);
  });
});

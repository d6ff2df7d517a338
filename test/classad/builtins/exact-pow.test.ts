import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { powCorrectlyRounded } from "../../../src/classad/builtins/exact-pow.js";

describe("powCorrectlyRounded", () => {
  it("returns the correctly rounded results libclassad (glibc) gives where V8's pow is an ulp off", () => {
    // Pinned against classad2 (htcondor 25.14.1).
    expect(powCorrectlyRounded(10, 2.5)).toBe(316.22776601683796);
    expect(powCorrectlyRounded(2.5, 2.5)).toBe(9.882117688026186);
    expect(powCorrectlyRounded(1e10, 1.5)).toBe(1e15);
    expect(powCorrectlyRounded(7.7, 3)).toBe(456.533);
  });

  it("is exact when the power is representable", () => {
    expect(powCorrectlyRounded(4, 0.5)).toBe(2);
    expect(powCorrectlyRounded(16, 0.25)).toBe(2);
    expect(powCorrectlyRounded(2, -3)).toBe(0.125);
    expect(powCorrectlyRounded(0.25, -0.5)).toBe(2);
  });

  it("never moves more than one ulp away from Math.pow", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.integer({ min: -64, max: 64 }),
        (x, m) => {
          const y = m / 4;
          const exact = powCorrectlyRounded(x, y);
          const approx = x ** y;
          expect(Math.abs(exact - approx)).toBeLessThanOrEqual(Math.abs(approx) * 2 ** -51);
        },
      ),
    );
  });

  it("leaves cases it cannot check to Math.pow (negative base, irrational exponent, overflow)", () => {
    expect(powCorrectlyRounded(-8, 1 / 3)).toBeNaN();
    expect(powCorrectlyRounded(2, Math.PI)).toBe(2 ** Math.PI);
    expect(powCorrectlyRounded(10, 400)).toBe(Number.POSITIVE_INFINITY);
  });
});

import { describe, expect, it } from "vitest";
import { ClassAd } from "../../src/classad/classad.js";
import { adText, attributesFromPlain, exprFromPlain, plainFromAd } from "../../src/classad/plain.js";
import { unparse } from "../../src/classad/unparse.js";

describe("plain data and ads", () => {
  it("leaves undefined out of lists and records, and keeps whole numbers within 2^53 as integers", () => {
    const expr = exprFromPlain({
      a: 1,
      b: 1.5,
      c: undefined,
      d: [1, undefined, "x"],
      e: { f: undefined, g: true },
    });
    expect(unparse(expr)).toBe('[ a = 1; b = 1.500000000000000E+00; d = { 1,"x" }; e = [ g = true ] ]');
    expect(unparse(exprFromPlain(2 ** 53))).toBe("9.007199254740992E+15");
    expect(attributesFromPlain({ x: undefined }).length).toBe(0);
  });

  it("round-trips through an ad", () => {
    const plain = {
      Name: "chem",
      Hours: 2,
      Ratio: 0.5,
      Spot: false,
      Types: ["c6i.large"],
      Nested: { Count: 3 },
    };
    expect(plainFromAd(new ClassAd(attributesFromPlain(plain)))).toEqual(plain);
    expect(adText({ Name: "x", Hours: 2 })).toBe('[ Name = "x"; Hours = 2 ]');
  });
});

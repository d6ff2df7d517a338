import { describe, expect, it } from "vitest";
import type { ClassAd } from "../../src/classad/classad.js";
import { Evaluator } from "../../src/classad/evaluate.js";
import { evaluateInMatch, isMatchValue, matches, rank, symmetricMatch } from "../../src/classad/match.js";
import { parseClassAd } from "../../src/classad/parse.js";

function ad(text: string): ClassAd {
  const parsed = parseClassAd(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

// The worked example of the reference (§7), checked against libclassad. The job needs an Owner:
// without one, the machine's `TARGET.Owner =!= undefined` fails (libclassad agrees).
const job = () =>
  ad(
    '[ RequestMemory = 100; Owner = "alice"; Requirements = Memory >= RequestMemory && TARGET.Arch == "X86_64"; Rank = TARGET.Memory ]',
  );
const machine = () =>
  ad(
    '[ Memory = 200; Arch = "x86_64"; Requirements = MY.Memory > 0 && TARGET.Owner =!= undefined && RequestMemory < 150 ]',
  );

describe("symmetricMatch", () => {
  it("matches under HTCondor's old semantics, where unscoped names fall back to the target", () => {
    expect(symmetricMatch(job(), machine())).toBe(true);
  });

  it("does not match when the job has no Owner (the machine requires TARGET.Owner)", () => {
    const ownerless = ad("[ RequestMemory = 100; Requirements = Memory >= RequestMemory; Rank = 0 ]");
    expect(symmetricMatch(ownerless, machine())).toBe(false);
  });

  it("does not match under strict semantics (unscoped Memory is undefined in the job)", () => {
    expect(symmetricMatch(job(), machine(), { semantics: "strict" })).toBe(false);
  });

  it("requires both Requirements: one failing side is no match", () => {
    const picky = ad('[ Memory = 200; Arch = "x86_64"; Requirements = TARGET.RequestMemory > 1000 ]');
    expect(symmetricMatch(job(), picky)).toBe(false);
  });

  it("treats undefined and error Requirements as no match, non-zero numbers as a match", () => {
    expect(symmetricMatch(ad("[ Requirements = undefined ]"), ad("[ Requirements = true ]"))).toBe(false);
    expect(symmetricMatch(ad("[ Requirements = 1/0 ]"), ad("[ Requirements = true ]"))).toBe(false);
    expect(symmetricMatch(ad("[ Requirements = 2 ]"), ad("[ Requirements = 0.5 ]"))).toBe(true);
    expect(symmetricMatch(ad('[ Requirements = "yes" ]'), ad("[ Requirements = true ]"))).toBe(false);
  });

  it("treats a missing Requirements as no match", () => {
    expect(symmetricMatch(ad("[ a = 1 ]"), ad("[ Requirements = true ]"))).toBe(false);
  });

  it("leaves the ads unbound afterwards (TARGET is undefined again)", () => {
    const j = job();
    const evaluator = new Evaluator();
    symmetricMatch(j, machine(), {}, evaluator);
    expect(evaluator.evaluateAttribute(j, "Rank")).toEqual({ kind: "undefined" });
  });
});

describe("matches (the Python bindings' left.matches(right))", () => {
  it("evaluates the right ad's Requirements with TARGET bound to the left ad", () => {
    const left = ad("[ Owner = 1 ]");
    const right = ad("[ Requirements = TARGET.Owner == 1 ]");
    expect(matches(left, right)).toBe(true);
    expect(matches(right, left)).toBe(false);
  });
});

describe("rank", () => {
  it("evaluates Rank in the match context: the job ranks the machine by its memory", () => {
    expect(rank(job(), machine())).toEqual({ kind: "integer", value: 200n });
  });

  it("is undefined when the ad has no Rank", () => {
    expect(rank(machine(), job())).toEqual({ kind: "undefined" });
  });
});

describe("match context names", () => {
  it("binds other and TARGET to the other ad and MY to the own ad", () => {
    const left = ad("[ x = 1; a = other.y; b = TARGET.y; c = MY.x ]");
    const right = ad("[ y = 2 ]");
    expect(evaluateInMatch(left, right, "a")).toEqual({ kind: "integer", value: 2n });
    expect(evaluateInMatch(left, right, "b")).toEqual({ kind: "integer", value: 2n });
    expect(evaluateInMatch(left, right, "c")).toEqual({ kind: "integer", value: 1n });
  });
});

describe("isMatchValue", () => {
  it("accepts a non-zero relTime, as libclassad's boolean equivalence does", () => {
    expect(isMatchValue({ kind: "relTime", seconds: 5 })).toBe(true);
    expect(isMatchValue({ kind: "relTime", seconds: 0 })).toBe(false);
  });

  it("accepts true and non-zero numbers, and nothing else but relTime", () => {
    expect(isMatchValue({ kind: "boolean", value: true })).toBe(true);
    expect(isMatchValue({ kind: "integer", value: -1n })).toBe(true);
    expect(isMatchValue({ kind: "real", value: 0 })).toBe(false);
    expect(isMatchValue({ kind: "string", value: "true" })).toBe(false);
    expect(isMatchValue({ kind: "absTime", seconds: 5, offset: 0 })).toBe(false);
    expect(isMatchValue({ kind: "undefined" })).toBe(false);
  });
});

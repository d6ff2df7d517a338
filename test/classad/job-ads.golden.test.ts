import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import type { ClassAd } from "../../src/classad/classad.js";
import { formatJsonAds, parseJsonAds } from "../../src/classad/json.js";
import { formatOldAds, parseOldAds, parseOldAdsFromText } from "../../src/classad/old-format.js";
import { parseClassAd } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { generateJobAds } from "../support/job-ads.js";
import { sexpr } from "./syntax-cases/sexpr.js";

// Property and corpus tests: generous timeouts so a busy machine does not fail them.
vi.setConfig({ testTimeout: 120_000 });

const GOLDEN = new URL("./golden/condor_q-long.txt", import.meta.url);
const dump = readFileSync(GOLDEN).toString("latin1");

function ads(): ClassAd[] {
  return parseOldAdsFromText(dump, { inputIsBytes: true }).map((r) => {
    if (!r.ok) throw r.error;
    return r.value;
  });
}

describe("golden condor_q -long dump (test/classad/golden/condor_q-long.txt)", () => {
  it("is what the job-ad generator prints for seed 2026", () => {
    expect(formatOldAds(generateJobAds(3, 2026))).toBe(dump);
  });

  it("parses into three ads of about a hundred attributes", () => {
    const parsed = ads();
    expect(parsed.length).toBe(3);
    for (const ad of parsed) expect(ad.size).toBeGreaterThanOrEqual(100);
  });

  it("prints back byte for byte", () => {
    expect(formatOldAds(ads())).toBe(dump);
  });

  it("reads the same ads incrementally from a stream of small chunks", async () => {
    const bytes = readFileSync(GOLDEN);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 97) chunks.push(bytes.subarray(i, i + 97));
    const streamed: ClassAd[] = [];
    for await (const r of parseOldAds(Readable.from(chunks))) {
      if (!r.ok) throw r.error;
      streamed.push(r.value);
    }
    expect(formatOldAds(streamed)).toBe(dump);
  });

  it("keeps the structure of the interesting attributes", () => {
    const [first] = ads();
    if (first === undefined) throw new Error("no ad");
    const tree = (name: string) => {
      const e = first.get(name);
      if (e === undefined) throw new Error(`missing ${name}`);
      return sexpr(e);
    };
    expect(tree("ClusterId")).toBe("1455");
    expect(tree("Requirements")).toContain("(== (. TARGET Arch)");
    expect(tree("AnnexRequest")).toMatch(/^\[Name="annex-frank-12" Spot=false Count=\d+ /);
    expect(tree("Environment")).toContain(`MSG=\\"hello \\"\\"world\\"\\"\\"`);
    expect(tree("PeriodicRelease")).toContain("(?: (paren (< NumJobStarts 5)) false)");
    expect(tree("OnExitRemove")).toContain("(=!= ExitCode undefined)");
    expect(tree("WindowsScratch")).toMatch(/\\\\"$/);
    expect(first.get("Description")).toEqual({
      kind: "literal",
      value: {
        type: "string",
        value: Buffer.from("Résumé of run 0 for frank — “quoted”", "utf8").toString("latin1"),
      },
    });
  });

  it("survives JSON and new syntax unchanged", () => {
    const parsed = ads();
    const viaJson = parseJsonAds(formatJsonAds(parsed), { inputIsBytes: true });
    if (!viaJson.ok) throw viaJson.error;
    expect(formatOldAds(viaJson.value)).toBe(dump);
    const viaNew = parsed.map((ad) => {
      const r = parseClassAd(unparse(ad.toRecord()));
      if (!r.ok) throw r.error;
      return r.value;
    });
    expect(formatOldAds(viaNew)).toBe(dump);
  });
});

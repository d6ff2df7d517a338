import { describe, expect, it } from "vitest";
import { DEFAULT_ROOT_DISK_GIB, slotAd } from "../../../src/annex/demand/slot-ad.js";
import { evaluateAttribute } from "../../../src/classad/evaluate.js";
import { symmetricMatch } from "../../../src/classad/match.js";
import { parseClassAd } from "../../../src/classad/parse.js";

const c8 = { name: "c6i.2xlarge", cpus: 8, memoryMiB: 16_384, gpus: 0, arch: "X86_64" };

function ad(text: string) {
  const parsed = parseClassAd(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe("slotAd", () => {
  it("advertises the machine of the instance type as an annex slot", () => {
    const slot = slotAd(c8, { annexName: "chem" });
    const value = (name: string) => evaluateAttribute(slot, name);
    expect(value("Cpus")).toEqual({ kind: "integer", value: 8n });
    expect(value("Memory")).toEqual({ kind: "integer", value: 16_384n });
    expect(value("Gpus")).toEqual({ kind: "integer", value: 0n });
    expect(value("Disk")).toEqual({ kind: "integer", value: BigInt(DEFAULT_ROOT_DISK_GIB * 1024 * 1024) });
    expect(value("OpSys")).toEqual({ kind: "string", value: "LINUX" });
    expect(value("Arch")).toEqual({ kind: "string", value: "X86_64" });
    expect(value("AnnexName")).toEqual({ kind: "string", value: "chem" });
    expect(value("IsAnnex")).toEqual({ kind: "boolean", value: true });
    expect(value("HasFileTransfer")).toEqual({ kind: "boolean", value: true });
    expect(value("EC2InstanceType")).toEqual({ kind: "string", value: "c6i.2xlarge" });
  });

  it("starts only jobs that asked for this annex (as the instance's START does)", () => {
    const slot = slotAd(c8, { annexName: "chem" });
    expect(symmetricMatch(ad('[ Requirements = true; AnnexRequest = [ Name = "chem" ] ]'), slot)).toBe(true);
    expect(symmetricMatch(ad('[ Requirements = true; AnnexRequest = [ Name = "other" ] ]'), slot)).toBe(
      false,
    );
    expect(symmetricMatch(ad('[ Requirements = true; TargetAnnexName = "chem" ]'), slot)).toBe(true);
  });

  it("restricts to the request's owners when it names them", () => {
    const slot = slotAd(c8, { annexName: "lab", allowedJobOwners: ["alice", "bob"] });
    const jobOf = (owner: string) =>
      ad(`[ Requirements = true; Owner = "${owner}"; AnnexRequest = [ Name = "lab" ] ]`);
    expect(symmetricMatch(jobOf("bob"), slot)).toBe(true);
    expect(symmetricMatch(jobOf("mallory"), slot)).toBe(false);
  });
});

describe("startExpr", () => {
  it("is the instance's START expression (templates' startExpression) with the annex's name", async () => {
    const { startExpr } = await import("../../../src/annex/demand/slot-ad.js");
    const { startExpression } = await import("../../../templates/index.js");
    const { parseExpression } = await import("../../../src/classad/parse.js");
    const { unparse } = await import("../../../src/classad/unparse.js");
    for (const owners of [undefined, ["alice"], ["alice", "bob"]]) {
      const expected = parseExpression(startExpression("chem-burst", owners));
      if (!expected.ok) throw new Error(expected.error.message);
      expect(
        unparse(startExpr({ annexName: "chem-burst", ...(owners ? { allowedJobOwners: owners } : {}) })),
      ).toBe(unparse(expected.value));
    }
  });
});

import { describe, expect, it } from "vitest";
import { parseExpression } from "../../src/classad/parse.js";
import { ownReferences } from "../../src/classad/references.js";

function refs(text: string): string[] {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return [...ownReferences(parsed.value).values()];
}

describe("ownReferences", () => {
  it("lists plain and MY-scoped names, not TARGET's", () => {
    expect(
      refs(
        '(TARGET.Arch == "X86_64") && (versionGE(split(TARGET.CondorVersion)[1],"25.12.0") || (TARGET.Disk >= RequestDisk)) && ((TARGET.FileSystemDomain == MY.FileSystemDomain) || (TARGET.HasFileTransfer))',
      ),
    ).toEqual(["RequestDisk", "FileSystemDomain"]);
  });

  it("walks calls, lists, subscripts, ternaries and nested records, and names each once", () => {
    expect(
      refs(
        "MAX({ 1024, (TransferInputSizeMB + 1) * 1.25 }) * 1024 + a[b] + (c ? d : transferinputsizemb) + [ x = e ].x",
      ),
    ).toEqual(["TransferInputSizeMB", "a", "b", "c", "d", "e"]);
  });

  it("takes the base of a selection from another ad as the reference (AnnexRequest.Name needs AnnexRequest)", () => {
    expect(refs('AnnexRequest.Name == "x" && other.Memory > 1 && target.Cpus > 0')).toEqual(["AnnexRequest"]);
  });
});

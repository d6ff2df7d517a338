import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/classad/ast.js";
import { attributeKey, ClassAd } from "../../src/classad/classad.js";

const int = (n: number): Expr => ({ kind: "literal", value: { type: "integer", value: BigInt(n) } });

describe("ClassAd", () => {
  it("looks names up case-insensitively", () => {
    const ad = new ClassAd([{ name: "RequestCpus", expr: int(4) }]);
    expect(ad.get("requestcpus")).toEqual(int(4));
    expect(ad.has("REQUESTCPUS")).toBe(true);
    expect(ad.get("RequestMemory")).toBeUndefined();
  });

  it("replaces a redefined name in place and keeps the first spelling (as libclassad's Insert)", () => {
    const ad = new ClassAd([
      { name: "a", expr: int(1) },
      { name: "b", expr: int(2) },
      { name: "A", expr: int(3) },
    ]);
    expect([...ad.attributes()].map((a) => [a.name, a.expr])).toEqual([
      ["a", int(3)],
      ["b", int(2)],
    ]);
    expect(ad.size).toBe(2);
  });

  it("deletes case-insensitively", () => {
    const ad = new ClassAd([{ name: "Owner", expr: int(1) }]);
    expect(ad.delete("OWNER")).toBe(true);
    expect(ad.delete("owner")).toBe(false);
    expect(ad.size).toBe(0);
  });
});

describe("attributeKey", () => {
  it("is the lower-cased name, also after its cache has been cleared many times", () => {
    // More spellings than the cache holds, so it is cleared along the way.
    const wrong: string[] = [];
    for (let i = 0; i < 40_000; i++) if (attributeKey(`Attr${i}X`) !== `attr${i}x`) wrong.push(`Attr${i}X`);
    expect(wrong).toEqual([]);
    expect(attributeKey("ClusterId")).toBe("clusterid");
  });

  it("folds ASCII only: UTF-8 bytes of a quoted name are kept as they are", () => {
    // "É" is the bytes C3 89; toLowerCase would turn byte C3 into E3.
    expect(attributeKey("Caf\u00c3\u0089")).toBe("caf\u00c3\u0089");
  });
});

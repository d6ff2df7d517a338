import { describe, expect, it } from "vitest";
import { parseClassAd, parseClassAds, parseExpression, parseRecord } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { expressionCases } from "./syntax-cases/expressions.js";
import { sexpr } from "./syntax-cases/sexpr.js";

describe("ClassAd parser (expression table)", () => {
  for (const c of expressionCases) {
    it(`parses ${JSON.stringify(c.input)} as ${c.tree} and prints ${JSON.stringify(c.print ?? c.input)}`, () => {
      const r = parseExpression(c.input, { oldSemantics: c.oldSemantics ?? false });
      if (!r.ok) throw r.error;
      expect(sexpr(r.value)).toBe(c.tree);
      expect(unparse(r.value)).toBe(c.print ?? c.input);
    });
  }
});

describe("ClassAd parse APIs", () => {
  it("parseClassAd returns a ClassAd with case-insensitive lookup and the last duplicate", () => {
    const r = parseClassAd('[A = 1; a = 2; b = "x"]');
    if (!r.ok) throw r.error;
    expect(r.value.size).toBe(2);
    expect(r.value.get("A")).toEqual({ kind: "literal", value: { type: "integer", value: 2n } });
  });

  it("parseClassAd requires a record and end of input", () => {
    expect(parseClassAd("1 + 2").ok).toBe(false);
    const twoAds = parseClassAd("[ a = 3; ][ b = 4; ]");
    expect(twoAds.ok).toBe(false);
    if (!twoAds.ok) expect(twoAds.error.column).toBe(11);
  });

  it("parseRecord gives the record node in source order", () => {
    const r = parseRecord("[b = 1; a = 2]");
    if (!r.ok) throw r.error;
    expect(r.value.attributes.map((a) => a.name)).toEqual(["b", "a"]);
  });

  it("decodes non-ASCII source text to UTF-8 bytes in strings and names", () => {
    const r = parseExpression('"é"');
    if (!r.ok) throw r.error;
    expect(r.value).toEqual({ kind: "literal", value: { type: "string", value: "\xc3\xa9" } });
    expect(unparse(r.value)).toBe('"\\303\\251"');
  });

  it("takes byte-string input byte for byte with inputIsBytes", () => {
    const r = parseExpression('"\xc3\xa9"', { inputIsBytes: true });
    if (!r.ok) throw r.error;
    expect(r.value).toEqual({ kind: "literal", value: { type: "string", value: "\xc3\xa9" } });
  });

  it("reuses one parser: a failed parse does not disturb the next", () => {
    expect(parseExpression("1 +").ok).toBe(false);
    const r = parseExpression("1 + 2");
    expect(r.ok).toBe(true);
  });

  it("parseClassAds reads ads back to back, as libclassad's offset API does", () => {
    const r = parseClassAds("[ a = 3; ][ b = 4; ]");
    if (!r.ok) throw r.error;
    expect(r.value.map((ad) => unparse(ad.toRecord()))).toEqual(["[ a = 3 ]", "[ b = 4 ]"]);
    const none = parseClassAds("  // nothing\n");
    expect(none.ok && none.value.length).toBe(0);
    const bad = parseClassAds("[a = 1] 3");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.column).toBe(9);
  });

  it("does not offer ';' as an argument separator without old semantics", () => {
    const r = parseExpression("f(1; 2)");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.expected).toEqual(["','"]);
  });
});

describe("long texts (the lexer streams into the parser)", () => {
  // Past 256 KiB the lexer runs a batch ahead of the parser and consumed tokens are dropped;
  // the results must be those of the ordinary path, piece by piece.
  const jobs = Array.from(
    { length: 4000 },
    (_, i) =>
      `[ ClusterId = ${i}; Owner = "u${i % 7}"; Requirements = (TARGET.Memory >= ${i}) && isUndefined(x) || -${i} < 2; L = { 1, -2.5, "s", [ q = true ] }; T = relTime("1d2h"); N = 'odd name' ]`,
  );
  const text = `[ Jobs = { ${jobs.join(",\n")} }; SnapshotTime = 1767225600; DryRun = false ]`;

  it("parses to the same trees as the pieces parsed one by one", () => {
    expect(text.length).toBeGreaterThan(256 * 1024);
    const whole = parseClassAd(text);
    if (!whole.ok) throw whole.error;
    const list = whole.value.get("Jobs");
    expect(list?.kind).toBe("list");
    const items = list?.kind === "list" ? list.items : [];
    expect(items).toHaveLength(jobs.length);
    items.forEach((item, i) => {
      const alone = parseRecord(jobs[i] as string);
      if (!alone.ok) throw alone.error;
      expect(unparse(item)).toBe(unparse(alone.value));
    });
    expect(
      unparse(whole.value.get("SnapshotTime") ?? { kind: "literal", value: { type: "undefined" } }),
    ).toBe("1767225600");
  });

  it("reports errors at the same line and column, early, late and lexical", () => {
    const lines = text.split("\n");
    const lastLine = lines.length;
    const broken = (line: number, make: (l: string) => string) =>
      lines.map((l, i) => (i === line - 1 ? make(l) : l)).join("\n");
    const early = parseClassAd(broken(2, (l) => l.replace("Owner =", "Owner ==")));
    const earlyColumn = (lines[1] as string).indexOf("Owner =") + "Owner ".length + 1;
    expect(early.ok ? null : [early.error.line, early.error.column, early.error.offendingText]).toEqual([
      2,
      earlyColumn,
      "==",
    ]);
    const late = parseClassAd(`${text.slice(0, -1)}`);
    // The same error as a short text that ends the same way (the ordinary, non-streaming path).
    const short = parseClassAd(`[ Jobs = { ${jobs[0]} }; SnapshotTime = 1767225600; DryRun = false `);
    expect(short.ok).toBe(false);
    expect(late.ok ? null : [late.error.line, late.error.reason]).toEqual([
      lastLine,
      short.ok ? "" : short.error.reason,
    ]);
    const lexical = parseClassAd(broken(3000, (l) => l.replace("N = 'odd", "N = `odd")));
    const backtick = (lines[2999] as string).indexOf("N = 'odd") + "N = ".length + 1;
    expect(lexical.ok ? null : [lexical.error.line, lexical.error.column]).toEqual([3000, backtick]);
  });
});

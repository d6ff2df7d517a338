import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClassAd } from "../../src/classad/classad.js";
import type { ParseResult } from "../../src/classad/errors.js";
import {
  formatOldAd,
  formatOldAds,
  parseOldAds,
  parseOldAdsFromText,
  parseOldClassAd,
  parseOldValue,
} from "../../src/classad/old-format.js";
import { parseExpression } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { sexpr } from "./syntax-cases/sexpr.js";

function one(text: string): ClassAd {
  const r = parseOldClassAd(text);
  if (!r.ok) throw r.error;
  return r.value;
}

function valueTree(text: string): string {
  const r = parseOldValue(text);
  if (!r.ok) throw r.error;
  return sexpr(r.value);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("old-syntax values (the long form's lexer differences)", () => {
  const cases: [string, string][] = [
    ['"a\\tb"', '"a\\\\tb"'],
    ['"C:\\path\\to\\"', '"C:\\\\path\\\\to\\\\"'],
    ['"say \\"hi\\" now"', '"say \\"hi\\" now"'],
    ['"x\\""', '"x\\""'],
    ['"a\\\\b"', '"a\\\\\\\\b"'],
    ['"\\101"', '"\\\\101"'],
    ["f(1; 2)", "(call f 1 2)"],
    ["a =?= b", "(=?= a b)"],
    ["TARGET.Memory >= RequestMemory", "(>= (. TARGET Memory) RequestMemory)"],
    ["{ 1,2 }", "{1 2}"],
    ["[ a = 1; b = 2 ]", "[a=1 b=2]"],
    ["1.5", "1.5r"],
    ["-3", "-3"],
    ["0", "0"],
    ["TRUE", "true"],
    ["undefined", "undefined"],
  ];
  for (const [input, tree] of cases) {
    it(`reads ${input} as ${tree}`, () => expect(valueTree(input)).toBe(tree));
  }
  it("rejects multi-digit integers with a leading zero", () => {
    for (const bad of ["010", "00", "0x10"]) expect(parseOldValue(bad).ok).toBe(false);
  });
  it("accepts a leading zero after a minus sign, as libclassad's check looks at the first character only", () => {
    const r = parseOldValue("-07");
    expect(r.ok && unparse(r.value)).toBe("-7");
  });
  it("rejects a string left open at the end of the line", () => {
    expect(parseOldValue('"abc').ok).toBe(false);
  });
});

describe("long-form ads", () => {
  it("reads Name = value lines, skipping comments and surrounding blanks", () => {
    const ad = one(
      '# a comment\n  ClusterId = 12\nOwner   =    "alice"   \n\t# indented comment\nExpr = a + b\n',
    );
    expect(ad.size).toBe(3);
    expect(unparse(ad.toRecord())).toBe('[ Expr = a + b; Owner = "alice"; ClusterId = 12 ]');
  });

  it("takes everything before the first '=' as the name", () => {
    const ad = one("Req = a == b\n");
    expect(sexpr(ad.get("Req") ?? { kind: "literal", value: { type: "undefined" } })).toBe("(== a b)");
  });

  it("splits ads at blank lines (also whitespace-only and CRLF lines)", () => {
    const rs = parseOldAdsFromText("A = 1\r\nB = 2\r\n\r\nA = 3\n   \nA = 4\n");
    expect(rs.map((r) => (r.ok ? r.value.size : -1))).toEqual([2, 1, 1]);
  });

  it("ignores repeated blank lines and a missing final newline", () => {
    const rs = parseOldAdsFromText("\n\nA = 1\n\n\n\nB = 2");
    expect(rs.length).toBe(2);
  });

  it("keeps the last value and the first spelling of duplicate names (case-insensitive), as libclassad", () => {
    const ad = one("a = 1\nA = 2\n");
    expect(ad.size).toBe(1);
    expect(formatOldAd(ad)).toBe("a = 2\n");
  });

  it("reports the ad index, attribute, line and column of a bad value and carries on", () => {
    const rs = parseOldAdsFromText("A = 1\n\nB = 2\nC = (1 +\nD = 4\n\nE = 5\n");
    expect(rs.length).toBe(3);
    const bad = rs[1];
    expect(bad?.ok).toBe(false);
    if (bad !== undefined && !bad.ok) {
      expect(bad.error.adIndex).toBe(1);
      expect(bad.error.attribute).toBe("C");
      expect(bad.error.line).toBe(4);
      expect(bad.error.column).toBe(9);
      expect(bad.error.message).toContain("ad 2 attribute C, line 4");
    }
    expect(rs[2]?.ok).toBe(true);
  });

  it("reports a line without '='", () => {
    const rs = parseOldAdsFromText("A = 1\njust words\n");
    const r = rs[0];
    expect(r?.ok).toBe(false);
    if (r !== undefined && !r.ok) {
      expect(r.error.line).toBe(2);
      expect(r.error.expected).toEqual(["'='"]);
    }
  });

  it("reports a line with no name before '='", () => {
    const r = parseOldAdsFromText(" = 3\n")[0];
    expect(r?.ok).toBe(false);
  });

  it("refuses two ads where exactly one is asked for", () => {
    expect(parseOldClassAd("A = 1\n\nB = 2\n").ok).toBe(false);
  });

  it("prints names case-insensitively sorted with a blank line after each ad", () => {
    const ad = one('b = 1\nA = "x"\nC = {1, 2}\n');
    expect(formatOldAds([ad, ad])).toBe('A = "x"\nb = 1\nC = { 1,2 }\n\nA = "x"\nb = 1\nC = { 1,2 }\n\n');
  });

  it("round-trips a string ending in a backslash through the end-of-line rule", () => {
    const ad = one('P = "C:\\\\dir\\\\"\n'.replace(/\\\\/g, "\\"));
    expect(formatOldAd(ad)).toBe('P = "C:\\dir\\"\n');
    const again = one(formatOldAd(ad));
    expect(again.get("P")).toEqual(ad.get("P"));
  });
});

describe("expression sharing", () => {
  it("gives ads of one stream the same immutable tree for identical expression text", () => {
    const rs = parseOldAdsFromText("R = a + 1\nS = 1\n\nR = a + 1\nS = 1\n");
    const [x, y] = rs.map((r) => (r.ok ? r.value : null));
    expect(x?.get("R")).toBe(y?.get("R"));
    expect(x?.get("R")).toEqual({
      kind: "binary",
      op: "+",
      left: { kind: "attr", name: "a", absolute: false },
      right: { kind: "literal", value: { type: "integer", value: 1n } },
    });
  });

  it("never caches a failed value", () => {
    const rs = parseOldAdsFromText("R = (1\n\nR = (1\n");
    expect(rs.map((r) => r.ok)).toEqual([false, false]);
  });
});

describe("incremental reading", () => {
  const text = 'A = 1\nB = "two"\n\nA = 3\nC = [x = 1]\n\n';

  it("gives the same ads whatever the chunking", async () => {
    const whole = parseOldAdsFromText(text).map((r) => (r.ok ? formatOldAd(r.value) : r.error.message));
    for (const size of [1, 2, 3, 7, 100]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(Buffer.from(text.slice(i, i + size)));
      const rs = await collect(parseOldAds(Readable.from(chunks)));
      expect(rs.map((r) => (r.ok ? formatOldAd(r.value) : r.error.message))).toEqual(whole);
    }
  });

  it("accepts string chunks and plain iterables", async () => {
    const rs = await collect(parseOldAds(["A = 1\n", "\nB = 2"]));
    expect(rs.length).toBe(2);
  });

  it("reads byte chunks as bytes: UTF-8 split across chunks stays intact", async () => {
    const bytes = Buffer.from('S = "héllo"\n', "utf8");
    const rs = await collect(parseOldAds([bytes.subarray(0, 7), bytes.subarray(7)]));
    const r = rs[0];
    if (r === undefined || !r.ok) throw new Error("expected an ad");
    expect(r.value.get("S")).toEqual({ kind: "literal", value: { type: "string", value: "h\xc3\xa9llo" } });
  });

  it("yields each ad as soon as its blank line arrives", async () => {
    async function* source() {
      yield "A = 1\n\n";
      yield "B = 2\n";
    }
    const it = parseOldAds(source())[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
  });
});

describe("the literal fast path gives exactly the full grammar's result", () => {
  const samples = [
    "0",
    "-0",
    "12",
    "-12",
    "123456789012345678",
    "9223372036854775807",
    "1.5",
    "-0.0",
    "1.5e10",
    "2.5E-3",
    '"plain"',
    '""',
    '"with \\" quote"',
    '"tail\\"',
    "true",
    "FALSE",
    "Undefined",
    "error",
    "01",
    "1.",
    '"a" "b"',
  ];
  for (const s of samples) {
    it(`value ${s}`, () => {
      const fast = parseOldValue(s);
      const full = parseOldValue(s, { fullGrammarOnly: true });
      expect(fast.ok).toBe(full.ok);
      if (fast.ok && full.ok) expect(fast.value).toEqual(full.value);
      const direct = parseExpression(s, { oldSyntax: true, oldSemantics: true });
      expect(direct.ok).toBe(full.ok);
    });
  }
});

describe("the stream reader's name prediction and value memo change nothing", () => {
  // An independent, deliberately plain reader: split lines, cut at the first '=', parse every
  // value with the full grammar. The real reader predicts each line's name from the previous ad,
  // recognises repeated values in place and reads chunk by chunk; it must agree exactly.
  function plainRead(text: string): string[] {
    const out: string[] = [];
    let ad = new ClassAd();
    let failed: string | null = null;
    let adIndex = 0;
    const endAd = () => {
      if (failed !== null) out.push(failed);
      else if (ad.size > 0) out.push(showAd(ad));
      if (failed !== null || ad.size > 0) adIndex++;
      ad = new ClassAd();
      failed = null;
    };
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    for (const [i, raw] of lines.entries()) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line.trim() === "") {
        endAd();
        continue;
      }
      if (failed !== null || line.trimStart().startsWith("#")) continue;
      const eq = line.indexOf("=");
      const name = eq < 0 ? "" : line.slice(0, eq).trim();
      if (name === "") {
        failed = `error in ad ${adIndex} at line ${i + 1}`;
        continue;
      }
      const parsed = parseExpression(line.slice(eq + 1).trim(), {
        oldSyntax: true,
        oldSemantics: true,
        inputIsBytes: true,
      });
      if (parsed.ok) ad.set(name, parsed.value);
      else failed = `error in ad ${adIndex} at line ${i + 1} (${name})`;
    }
    endAd();
    return out;
  }

  function showAd(ad: ClassAd): string {
    return [...ad.attributes()].map((a) => `${a.name}=${sexpr(a.expr)}`).join(" | ");
  }

  function show(results: ParseResult<ClassAd>[]): string[] {
    return results.map((r) =>
      r.ok
        ? showAd(r.value)
        : `error in ad ${r.error.adIndex} at line ${r.error.line}${r.error.attribute === undefined ? "" : ` (${r.error.attribute})`}`,
    );
  }

  // Names that are prefixes of each other or differ only in case; values of equal length that
  // differ, strings with the old syntax's backslash rules, lists, records, and bad values.
  const names = ["A", "AB", "ab", "Abc", "A_1", "Long_Attribute_Name", "Long_Attribute_NameX", "B"];
  const values = [
    "1",
    "2",
    "12",
    "-7",
    "0",
    "1.5",
    "2.5",
    "true",
    "FALSE",
    "undefined",
    '"x"',
    '"y"',
    '"xy"',
    '"a\\"b"',
    '"a\\b"',
    '"tail\\"',
    '"a\\"b\\"c"',
    '"\\"\\""',
    '"a" "b"',
    '"é"',
    "{ 1,2 }",
    "{ 1,3 }",
    "[ a = 1; b = 2 ]",
    "[ a = 1; b = 3 ]",
    "A + 1",
    "A + 2",
    "(1",
    "01",
    '"open',
    "x =?= y",
  ];
  const line = fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(fc.constantFrom(...names), fc.constantFrom(" = ", "=", "  =\t"), fc.constantFrom(...values))
        .map(([n, eq, v]) => `${n}${eq}${v}`),
    },
    { weight: 1, arbitrary: fc.constantFrom("", "  ", "# comment", "no equals here", " = 5", "A = 1\r") },
  );
  // Ads mostly repeat one template (as a queue does) with some lines changed, dropped or added.
  const stream = fc
    .tuple(
      fc.array(line, { minLength: 1, maxLength: 8 }),
      fc.array(fc.array(fc.tuple(fc.nat(9), line), { maxLength: 3 }), { minLength: 1, maxLength: 6 }),
    )
    .map(([template, edits]) =>
      edits
        .map((changes) => {
          const ad = [...template];
          for (const [at, l] of changes) ad[at % (ad.length + 1)] = l;
          return `${ad.join("\n")}\n\n`;
        })
        .join(""),
    );

  it("agrees with a plain line-by-line reader whatever the chunking (bytes, strings, both)", async () => {
    await fc.assert(
      fc.asyncProperty(
        stream,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (text, sizes, mixed) => {
          const expected = plainRead(text);
          const bytes = Buffer.from(text, "latin1");
          expect(show(parseOldAdsFromText(text, { inputIsBytes: true }))).toEqual(expected);
          const chunks: (Buffer | string)[] = [];
          for (let at = 0, k = 0; at < bytes.length; k++) {
            const size = sizes[k % sizes.length] ?? 1;
            const chunk = bytes.subarray(at, at + size);
            // String chunks only where they hold ASCII, so both readings of the text agree.
            chunks.push(
              mixed && k % 2 === 1 && chunk.every((b) => b < 0x80) ? chunk.toString("latin1") : chunk,
            );
            at += size;
          }
          if (typeof chunks[0] === "string") chunks[0] = Buffer.from(chunks[0], "latin1");
          expect(show(await collect(parseOldAds(chunks)))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("lets consecutive ads share the trees (and attribute objects) of repeated values", () => {
    const rs = parseOldAdsFromText('S = "same"\nL = { 1,2 }\nN = 7\n\nS = "same"\nL = { 1,2 }\nN = 8\n', {
      inputIsBytes: true,
    });
    const [x, y] = rs.map((r) => (r.ok ? [...r.value.attributes()] : []));
    expect(y?.[0]).toBe(x?.[0]);
    expect(y?.[1]).toBe(x?.[1]);
    expect(y?.[2]).not.toBe(x?.[2]);
    expect(y?.[2]?.expr).toEqual({ kind: "literal", value: { type: "integer", value: 8n } });
  });
});

import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ClassAd } from "../../src/classad/classad.js";
import { Evaluator } from "../../src/classad/evaluate.js";
import { parseClassAd } from "../../src/classad/parse.js";
import { answerLines, evaluateLine, matchLine } from "../../src/cli/classad-eval-command.js";

function scope(text: string): ClassAd {
  const parsed = parseClassAd(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe("classad eval", () => {
  const ev = new Evaluator();
  const ad = scope('[ a = 1; s = "x" ]');

  it("prints values exactly as libclassad's unparser", () => {
    expect(evaluateLine("a + 1", ad, ev)).toBe("2");
    expect(evaluateLine("1.5", ad, ev)).toBe("1.500000000000000E+00");
    expect(evaluateLine('strcat(s, "\\"")', ad, ev)).toBe('"x\\""');
    expect(evaluateLine("{ 1, 2 }", ad, ev)).toBe("{ 1,2 }");
    expect(evaluateLine("[ b = 1 ]", ad, ev)).toBe("[ b = 1 ]");
    expect(evaluateLine("nothing", ad, ev)).toBe("undefined");
    expect(evaluateLine("1/0", ad, ev)).toBe("error");
  });

  it("answers an unparsable line with PARSE_ERROR and the reason", () => {
    expect(evaluateLine("1 +", ad, ev)).toMatch(/^PARSE_ERROR \S/);
    expect(evaluateLine("", ad, ev)).toMatch(/^PARSE_ERROR/);
  });

  it("treats input as bytes: UTF-8 in a string prints as octal escapes", () => {
    const bytes = Buffer.from('toLower("ÀB")', "utf8").toString("latin1");
    expect(evaluateLine(bytes, ad, ev)).toBe('"\\303\\200b"');
  });

  it("writes exactly one line per input line in batch mode", async () => {
    const out: string[] = [];
    await answerLines(
      Readable.from(["a\n1 +\n", "s\n"]),
      (t) => out.push(t),
      (line) => evaluateLine(line, ad, ev),
    );
    expect(out.join("").split("\n").slice(0, -1)).toHaveLength(3);
    expect(out[0]).toBe("1\n");
    expect(out[2]).toBe('"x"\n');
  });
});

describe("classad match", () => {
  const ev = new Evaluator();

  it("answers true or false for a TAB-separated pair of ads", () => {
    expect(matchLine("[ Requirements = TARGET.x == 1 ]\t[ x = 1; Requirements = true ]", ev)).toBe("true");
    expect(matchLine("[ Requirements = TARGET.x == 2 ]\t[ x = 1; Requirements = true ]", ev)).toBe("false");
  });

  it("names the bad side when a pair does not parse", () => {
    expect(matchLine("[ a = ]\t[ ]", ev)).toMatch(/^PARSE_ERROR first ad/);
    expect(matchLine("[ ]", ev)).toMatch(/^PARSE_ERROR expected two ads/);
  });
});

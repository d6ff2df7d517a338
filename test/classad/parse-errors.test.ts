import { describe, expect, it } from "vitest";
import { ClassAdSyntaxError } from "../../src/classad/errors.js";
import { parseExpression } from "../../src/classad/parse.js";
import { errorCases } from "./syntax-cases/errors.js";

describe("ClassAd syntax errors are values with position, offending text and expectations", () => {
  for (const c of errorCases) {
    it(`rejects ${JSON.stringify(c.input)} at ${c.line ?? 1}:${c.column} (${c.message})`, () => {
      const r = parseExpression(c.input, { oldSemantics: c.oldSemantics ?? false });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(ClassAdSyntaxError);
      expect(r.error.message).toContain(c.message);
      expect(r.error.line).toBe(c.line ?? 1);
      expect(r.error.column).toBe(c.column);
      if (c.offendingText !== undefined) expect(r.error.offendingText).toBe(c.offendingText);
      expect(r.error.expected.length).toBeGreaterThan(0);
    });
  }

  it("names the expected tokens readably", () => {
    const r = parseExpression("(1");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.expected).toEqual(["')'"]);
  });
});

import { describe, expect, it } from "vitest";
import { tokenize } from "../../grammar/lexer.js";
import { parseExpression } from "../../src/classad/parse.js";
import { tokenCases } from "./syntax-cases/tokens.js";

describe("ClassAd lexer (token table)", () => {
  for (const c of tokenCases) {
    const mode = `${c.oldSemantics ? " [old semantics]" : ""}${c.oldSyntax ? " [old syntax]" : ""}`;
    if (c.tokens !== undefined) {
      it(`lexes ${JSON.stringify(c.input)}${mode} as ${c.tokens}`, () => {
        const r = tokenize(c.input, {
          oldSemantics: c.oldSemantics ?? false,
          oldSyntax: c.oldSyntax ?? false,
        });
        if (!c.lexOnly) expect(r.errors).toEqual([]);
        expect(r.tokens.map((t) => `${t.tokenType.name}:${t.image}`).join(" ")).toBe(c.tokens);
        const parsed = parseExpression(c.input, c);
        if (!parsed.ok && !c.lexOnly)
          expect(parsed.error.message).not.toMatch(/illegal|malformed|unterminated|NUL|leading zero/);
      });
    } else {
      it(`rejects ${JSON.stringify(c.input)}${mode}: ${c.error}`, () => {
        const r = parseExpression(c.input, c);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.message).toContain(c.error);
      });
    }
  }
});

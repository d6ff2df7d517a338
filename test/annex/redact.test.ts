import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redact, Secret } from "../../src/annex/index.js";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm5leCJ9.c2lnbmF0dXJlLXNpZw";

describe("secrets", () => {
  it("never render: interpolation, JSON and inspect all show [REDACTED]", () => {
    const secret = new Secret(TOKEN);
    expect(`${secret}`).toBe("[REDACTED]");
    expect(JSON.stringify({ token: secret })).toBe('{"token":"[REDACTED]"}');
    expect(inspect({ token: secret })).not.toContain(TOKEN);
    expect(secret.reveal()).toBe(TOKEN);
  });

  it("redact scrubs given secrets and anything JWT-shaped from a message", () => {
    expect(redact(`upload of ${TOKEN} failed`)).toBe("upload of [REDACTED] failed");
    expect(redact("password hunter22 leaked", ["hunter22"])).toBe("password [REDACTED] leaked");
    // a secret read with its newline is also found without it
    expect(redact("token abc-123-secret rejected", [new Secret("abc-123-secret\n")])).toBe(
      "token [REDACTED] rejected",
    );
  });

  it("leaves messages without secrets alone", () => {
    expect(redact("stack HTCondorAnnex-a is CREATE_COMPLETE", ["xy"])).toBe(
      "stack HTCondorAnnex-a is CREATE_COMPLETE",
    );
  });
});

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { environmentKnobs, obtainPoolToken, tokenSourceFromKnobs } from "../../src/annex/index.js";

const dir = mkdtempSync(join(tmpdir(), "annex-tokens-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const purpose = { annexName: "chem-burst", lifetimeSeconds: 3600 };
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm5leCJ9.c2lnbmF0dXJlLXNpZw";

function file(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe("pool tokens", () => {
  it("come from ANNEX_TOKEN_FILE, else ANNEX_TOKEN_COMMAND, else nowhere", async () => {
    expect(
      await tokenSourceFromKnobs(
        environmentKnobs({ _CONDOR_ANNEX_TOKEN_FILE: "/t", _CONDOR_ANNEX_TOKEN_COMMAND: "fetch" }),
      ),
    ).toEqual({ kind: "file", path: "/t" });
    expect(await tokenSourceFromKnobs(environmentKnobs({ _CONDOR_ANNEX_TOKEN_COMMAND: "fetch" }))).toEqual({
      kind: "command",
      command: "fetch",
    });
    expect(await tokenSourceFromKnobs(environmentKnobs({}))).toBeUndefined();
  });

  it("are read from a private file, trimmed", async () => {
    const path = file("ok.token", `${TOKEN}\n`, 0o600);
    expect((await obtainPoolToken({ kind: "file", path }, purpose)).reveal()).toBe(TOKEN);
  });

  it("refuse a file others can read, saying how to fix it", async () => {
    const path = file("open.token", TOKEN, 0o644);
    await expect(obtainPoolToken({ kind: "file", path }, purpose)).rejects.toThrow(
      /is readable by others \(mode 644\); make it private: chmod 600/,
    );
  });

  it("refuse a missing or empty file with E_TOKEN", async () => {
    await expect(obtainPoolToken({ kind: "file", path: join(dir, "absent") }, purpose)).rejects.toMatchObject(
      {
        code: "E_TOKEN",
        message: expect.stringMatching(/cannot read the pool token file .*absent \(ANNEX_TOKEN_FILE\)/),
      },
    );
    const empty = file("empty.token", "\n", 0o600);
    await expect(obtainPoolToken({ kind: "file", path: empty }, purpose)).rejects.toThrow(/is empty/);
  });

  it("come from a command that sees the annex name and the lease as lifetime", async () => {
    const token = await obtainPoolToken(
      { kind: "command", command: 'printf "tok-%s-%s\\n" "$ANNEX_NAME" "$ANNEX_TOKEN_LIFETIME"' },
      purpose,
    );
    expect(token.reveal()).toBe("tok-chem-burst-3600");
  });

  it("report a failing command without echoing the token it printed", async () => {
    const attempt = obtainPoolToken(
      { kind: "command", command: `echo ${TOKEN}; echo "bad key for ${TOKEN}" >&2; exit 3` },
      purpose,
    );
    await expect(attempt).rejects.toThrow(
      /ANNEX_TOKEN_COMMAND\) failed \(exit status 3\): bad key for \[REDACTED\]/,
    );
    await expect(attempt).rejects.not.toThrow(TOKEN);
  });

  it("refuse a command that prints nothing", async () => {
    await expect(obtainPoolToken({ kind: "command", command: "true" }, purpose)).rejects.toThrow(
      /printed nothing/,
    );
  });
});

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatLogTimestamp, HTCondorLog } from "../../src/condor/log-file.js";

const fixed = new Date(2026, 10, 6, 7, 5, 9);

function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), "annex-log-")), "AnnexGahpLog");
}

describe("the HTCondor-style log", () => {
  it("stamps lines MM/DD/YY HH:MM:SS in local time", () => {
    expect(formatLogTimestamp(fixed)).toBe("11/06/26 07:05:09");
  });

  it("appends one stamped line per message, with (pid:N) when D_PID is asked for", () => {
    const path = tempLog();
    writeFileSync(path, "earlier\n");
    const log = new HTCondorLog({
      destination: { kind: "file", path },
      maxBytes: 0,
      maxRotations: 1,
      pid: 42,
      now: () => fixed,
    });
    log.write("hello");
    log.write("two\nlines");
    log.close();
    expect(readFileSync(path, "utf8")).toBe(
      "earlier\n11/06/26 07:05:09 (pid:42) hello\n11/06/26 07:05:09 (pid:42) two\n    lines\n",
    );
  });

  it("rotates to <log>.old when the next line would pass the size limit", () => {
    const path = tempLog();
    const log = new HTCondorLog({
      destination: { kind: "file", path },
      maxBytes: 100,
      maxRotations: 1,
      now: () => fixed,
    });
    for (let i = 0; i < 10; i++) log.write(`message number ${i}`);
    log.close();
    const current = readFileSync(path, "utf8");
    const old = readFileSync(`${path}.old`, "utf8");
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(old)).toBeLessThanOrEqual(100);
    expect(current).toContain("message number 9");
    expect(existsSync(`${path}.old.1`)).toBe(false);
  });

  it("keeps MAX_NUM rotations: .old newest, then .old.1, …", () => {
    const path = tempLog();
    const log = new HTCondorLog({
      destination: { kind: "file", path },
      maxBytes: 40,
      maxRotations: 3,
      now: () => fixed,
    });
    for (let i = 0; i < 6; i++) log.write(`m${i}`);
    log.close();
    expect(readFileSync(path, "utf8")).toContain("m5");
    expect(readFileSync(`${path}.old`, "utf8")).toContain("m4");
    expect(readFileSync(`${path}.old.1`, "utf8")).toContain("m3");
    expect(readFileSync(`${path}.old.2`, "utf8")).toContain("m2");
    expect(existsSync(`${path}.old.3`)).toBe(false);
  });

  it("falls back to stderr instead of failing when the file cannot be opened", () => {
    const log = new HTCondorLog({
      destination: { kind: "file", path: "/nonexistent-dir/x/AnnexGahpLog" },
      maxBytes: 0,
      maxRotations: 1,
    });
    expect(log.path).toBeUndefined();
    expect(() => log.write("still fine")).not.toThrow();
  });
});

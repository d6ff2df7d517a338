import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const GAHP_BIN = join(ROOT, "bin/annex-gahp.js");

/** Fails early, with the fix, when the compiled helper is missing. */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, "dist/src/annex-gahp/main.js"))) {
    throw new Error(
      "dist/src/annex-gahp/main.js is missing: run `npm run build` before the conformance tests",
    );
  }
}

/**
 * Every line annex-gahp may write on stdout: the banner, a reply (S/E/F…), R, or a result line
 * `<reqid> …`, each optionally behind the response prefix.
 */
export const PROTOCOL_LINE = /^(GAHP:)?(\$GahpVersion: .* \$|[SEF]( .*)?|R|[1-9][0-9]* .*|[1-9][0-9]*)$/;

/** The real annex-gahp process driven line by line, its stdout kept as raw lines. */
export class RawGahp {
  readonly child: ChildProcess;
  readonly logFile: string;
  private text = "";
  private waiters: { count: number; resolve: () => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = "";

  constructor(args: readonly string[] = [], env: Record<string, string> = {}) {
    this.logFile = join(mkdtempSync(join(tmpdir(), "annex-gahp-conf-")), "AnnexGahpLog");
    this.child = spawn(process.execPath, [GAHP_BIN, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, _CONDOR_ANNEX_GAHP_LOG: this.logFile, ...env },
    });
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.text += chunk.toString("latin1");
      const count = this.lines.length;
      this.waiters = this.waiters.filter((waiter) => {
        if (count < waiter.count) return true;
        waiter.resolve();
        return false;
      });
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString("utf8");
    });
    // A closed stdin while we still write (EPIPE) is part of some scenarios.
    this.child.stdin?.on("error", () => {});
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => resolve({ code, signal })),
    );
  }

  /** Complete stdout lines so far. */
  get lines(): string[] {
    const end = this.text.lastIndexOf("\n");
    return end < 0 ? [] : this.text.slice(0, end).split("\n");
  }

  /** Raw stdout so far. */
  get stdout(): string {
    return this.text;
  }

  send(data: string | Buffer): void {
    this.child.stdin?.write(data);
  }

  /** Sends request lines, each ending in CRLF as the gridmanager writes them. */
  request(...lines: string[]): void {
    this.send(lines.map((line) => `${line}\r\n`).join(""));
  }

  /** Resolves once stdout holds at least `count` lines (rejects after `timeoutMs`). */
  waitForLines(count: number, timeoutMs = 10_000): Promise<string[]> {
    if (this.lines.length >= count) return Promise.resolve(this.lines);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `expected ${count} lines, got ${this.lines.length}:\n${this.lines.slice(-10).join("\n")}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.lines);
        },
      });
    });
  }

  closeInput(): void {
    this.child.stdin?.end();
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8") : "";
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

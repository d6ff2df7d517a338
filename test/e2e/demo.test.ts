import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { type BinRun, CONDOR_ANNEX_BIN, runCondorAnnex } from "../support/condor-annex-bin.js";

/** Runs `condor-annex demo` as a user would (the built bin) and collects its output. */
async function runDemo(): Promise<BinRun & { ms: number }> {
  const started = Date.now();
  // As on a user's machine: no endpoint of the test harness in the environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "AWS_ENDPOINT_URL"));
  const run = await runCondorAnnex(["demo"], env);
  return { ...run, ms: Date.now() - started };
}

function demoDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith("condor-annex-demo-"));
}

describe("condor-annex demo", () => {
  it("tells the whole story as a timeline, cleans up after itself and exits 0 in under two minutes", async () => {
    const before = new Set(demoDirs());
    const { code, stdout, stderr, ms } = await runDemo();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(ms).toBeLessThan(120_000);
    // The story, in order.
    const milestones = [
      /check +Node\.js \d+\.\d+\.\d+; Python 3\.\d+/,
      /logs +the helper's and the emulator's logs are in \/\S+condor-annex-demo-\S+/,
      /emulator +moto \+ annex_moto at http:\/\/127\.0\.0\.1:\d+/,
      /helper +annex-gahp started and speaking GAHP: \$GahpVersion: /,
      /setup +stack HTCondorAnnex\S* (CREATE|UPDATE)_COMPLETE/,
      /queue +alice submits 12 jobs .*\+AnnexRequest = \[ Name = "demo-burst"/,
      /demand +12 idle \+ 0 running jobs match → target 4 instance\(s\), desired 0 → \d; action create; heartbeat 12 sent/,
      /aws +stack HTCondorAnnex-demo-burst CREATE_COMPLETE/,
      /demand +.*action resize/,
      /aws +group desired 4, 4 instance\(s\) launched/,
      /heartbeat +helper's timer: heartbeat round in us-east-1, 1 annex\(es\), 1 PutMetricData call\(s\)/,
      /lease +CloudWatch evaluates the lease alarm: alarm OK/,
      /demand +4 idle \+ 8 running jobs match .*heartbeat 12 sent/,
      /demand +0 idle \+ 4 running jobs match .*heartbeat 4 sent/,
      /demand +no job asks for demo-burst any more: no heartbeat is sent/,
      /lease +alarm ALARM → SNS → lease Lambda/,
      /aws +stack HTCondorAnnex-demo-burst is gone|aws +stack DELETE_COMPLETE/,
      /Demo finished in \d+\.\d s/,
    ];
    let from = 0;
    for (const milestone of milestones) {
      const rest = stdout.slice(from);
      const match = milestone.exec(rest);
      expect(match, `${milestone} after offset ${from} in:\n${stdout}`).not.toBeNull();
      from += (match?.index ?? 0) + (match?.[0].length ?? 0);
    }
    // Every event line carries a clock time and the time since the start.
    expect(stdout).toMatch(/^\d\d:\d\d:\d\d +\+\d+\.\ds +emulator /m);
    // Nothing left behind: the emulator no longer answers, the temporary directory is gone.
    const endpoint = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(endpoint).toBeDefined();
    await expect(fetch(`${endpoint}/moto-api/ext/health`)).rejects.toThrow();
    expect(demoDirs().filter((name) => !before.has(name))).toEqual([]);
  }, 180_000);
});

/** Processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text)) found.push(Number(pid));
    } catch {
      // gone
    }
  }
  return found;
}

describe("condor-annex demo interrupted", () => {
  it("leaves nothing running and nothing behind after Ctrl-C", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "AWS_ENDPOINT_URL"));
    const demo = spawn(process.execPath, [CONDOR_ANNEX_BIN, "demo"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    demo.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    const exited = new Promise<number | null>((resolve) => demo.on("close", (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while (!/helper +annex-gahp started/.test(stdout) && Date.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 100));
    }
    const dir = /logs are in (\S+)/.exec(stdout)?.[1];
    const endpoint = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(dir).toBeDefined();
    expect(endpoint).toBeDefined();
    // Its emulator and helper are running now.
    expect(processesMentioning(dir ?? "").length).toBeGreaterThan(0);
    demo.kill("SIGINT");
    expect(await exited).toBe(130);
    await expect(fetch(`${endpoint}/moto-api/ext/health`)).rejects.toThrow();
    expect(readdirSync(tmpdir())).not.toContain(dir?.split("/").at(-1));
    expect(processesMentioning(dir ?? "")).toEqual([]);
  }, 180_000);
});

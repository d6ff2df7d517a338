import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ClassAd } from "../../../src/classad/classad.js";
import { formatOldAds } from "../../../src/classad/old-format.js";
import { demoQueue } from "../../../src/cli/demo/scripted-queue.js";
import { CONDOR_ANNEX_BIN, runCondorAnnex } from "../../support/condor-annex-bin.js";
import { extensionSkipReason, useEmulator } from "../../support/emulator.js";

const target = useEmulator();
const skip = extensionSkipReason(target());
const dir = mkdtempSync(join(tmpdir(), "annex-watch-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function environment(): NodeJS.ProcessEnv {
  const token = join(dir, "pool.token");
  writeFileSync(token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3YXRjaEBwb29sIn0.c2ln\n");
  chmodSync(token, 0o600);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("_CONDOR_") && !key.startsWith("AWS_")) env[key] = value;
  }
  // A fake condor_q printing 12 idle jobs that ask for annex demo-burst, in long form.
  const dump = join(dir, "queue.long");
  const jobs = demoQueue({ idle: 12, running: 0, done: 0 }, 1_790_000_000).map((record) =>
    ClassAd.fromRecord(record),
  );
  writeFileSync(dump, formatOldAds(jobs), "latin1");
  const condorQ = join(dir, "condor_q");
  writeFileSync(condorQ, `#!/bin/sh\ncat '${dump}'\n`);
  chmodSync(condorQ, 0o755);
  return {
    ...env,
    CONDOR_CONFIG: "ONLY_ENV",
    AWS_ENDPOINT_URL: target().endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    _CONDOR_COLLECTOR_HOST: "cm.watch-e2e.example.org:9618",
    // Started as root, the watch becomes the condor user, which this machine may not have: stay as we are.
    _CONDOR_CONDOR_IDS: `${process.getuid?.() ?? 0}.${process.getgid?.() ?? 0}`,
    _CONDOR_ANNEX_TOKEN_FILE: token,
    _CONDOR_ANNEX_GAHP_LOG: join(dir, "AnnexGahpLog"),
    _CONDOR_ANNEX_WATCH_LOG: join(dir, "AnnexWatchLog"),
    _CONDOR_ANNEX_WATCH_QUEUE_COMMAND: `${condorQ} -allusers -long`,
    _CONDOR_ANNEX_WATCH_INTERVAL: "1",
    _CONDOR_ANNEX_DEFAULT_IMAGE_ID: "ami-0123456789abcdef0",
    _CONDOR_ANNEX_STACK_POLL_INTERVAL: "0.5",
    _CONDOR_ANNEX_DEMAND_STATE_CACHE: "0.5",
  };
}

function bin(args: string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, [CONDOR_ANNEX_BIN, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe.skipIf(skip !== undefined)("condor-annex watch as condor_master runs it", () => {
  it("reads the queue, creates and scales the annex through demand, and stops cleanly on SIGTERM", async () => {
    const env = environment();
    expect((await runCondorAnnex(["setup"], env)).code).toBe(0);
    const watch = bin(["watch"], env);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      watch.on("close", (code, signal) => resolve({ code, signal })),
    );
    const logFile = join(dir, "AnnexWatchLog");
    const log = () => {
      try {
        return readFileSync(logFile, "utf8");
      } catch {
        return "";
      }
    };
    const until = Date.now() + 60_000;
    while (!/demo-burst: .*action resize/.test(log()) && Date.now() < until) {
      await new Promise((wake) => setTimeout(wake, 250));
    }
    expect(log()).toMatch(/demo-burst: idle 12, running 0, .*action create/);
    expect(log()).toMatch(/demo-burst: .*action resize/);
    const stopAt = Date.now();
    watch.kill("SIGTERM");
    const { code } = await exited;
    expect(code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(15_000);
    expect(log()).toMatch(/caught SIGTERM; stopping\n.*condor-annex watch stopped\n$/);
    const status = await runCondorAnnex(["status", "--json"], env);
    expect(status.code).toBe(0);
    const annexes = (JSON.parse(status.stdout) as { Annexes: { Name: string }[] }).Annexes;
    expect(annexes.map((annex) => annex.Name)).toEqual(["demo-burst"]);
  }, 120_000);
});

import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debianRootDir, testbedProblem } from "../../support/htcondor/debian-root.js";
import { type PersonalPool, startPool } from "../../support/htcondor/personal-pool.js";

/**
 * The test bed itself: a real HTCondor 25.14.1 pool from Debian unstable, chrooted on loopback.
 * Everything the HTCondor suites prove rests on this: the pool runs real jobs, and stopping it
 * leaves no process and no mount behind.
 */
const problem = await testbedProblem();
if (problem !== undefined) process.stderr.write(`[htcondor] skipped: ${problem}\n`);

/** Host processes whose root directory is inside the test bed's root. */
function processesInRoot(root: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${pid}/root`).startsWith(root)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describe.skipIf(problem !== undefined)("the HTCondor test bed", () => {
  let pool: PersonalPool;

  beforeAll(async () => {
    pool = await startPool({ execute: true });
  }, 600_000);

  afterAll(async () => {
    await pool?.stop();
  });

  it("is HTCondor 25.14.1 from Debian, with its collector on the pool's own loopback port", async () => {
    expect(pool.root.condorVersion).toMatch(/^\$CondorVersion: 25\.14\.1 .*PackageID: 25\.14\.1\+dfsg/);
    // The collector publishes its own ad shortly after it starts.
    let collector = "";
    for (let i = 0; i < 60 && collector.trim() === ""; i++) {
      collector = await pool.must(["condor_status", "-collector", "-af", "MyAddress"]);
      if (collector.trim() === "") await new Promise((wake) => setTimeout(wake, 500));
    }
    expect(collector).toContain(`127.0.0.1:${pool.collectorPort}`);
  });

  it("runs a user's job to completion on its own startd", async () => {
    const { cluster } = await pool.submit(
      "alice",
      "executable = /bin/echo\narguments = hello from the test bed\noutput = echo.out\nlog = echo.log\nqueue\n",
    );
    let status = "";
    for (let i = 0; i < 90 && status !== "4"; i++) {
      status = (await pool.run(["condor_history", `${cluster}.0`, "-af", "JobStatus"])).stdout.trim();
      if (status !== "4") await new Promise((wake) => setTimeout(wake, 1000));
    }
    expect(status, await pool.logTail("SchedLog")).toBe("4");
    expect(readFileSync(`${pool.root.dir}${await pool.userDir("alice")}/echo.out`, "utf8")).toBe(
      "hello from the test bed\n",
    );
  });

  it("leaves no process and no mount behind when stopped", async () => {
    await pool.stop();
    const root = debianRootDir();
    expect(processesInRoot(root)).toEqual([]);
    expect(readFileSync("/proc/self/mounts", "utf8")).not.toContain(root);
  });
});

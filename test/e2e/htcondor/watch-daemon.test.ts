import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { type AccessPoint, startAccessPoint } from "../../support/htcondor/access-point.js";
import { testbedProblem } from "../../support/htcondor/debian-root.js";
import { rootUser } from "../../support/htcondor/root-process.js";

/**
 * condor-annex watch as condor_master runs it on a real HTCondor 25.14.1 access point, configured
 * only by the shipped condor-config/access-point/50-condor-annex.config (CONDOR_ANNEX_HOME set to
 * the installed package) and the emulator's address: the master starts it from DAEMON_LIST, it
 * becomes the condor user, reads its knobs expanded, logs to ANNEX_WATCH_LOG, survives
 * condor_reconfig, stops and starts with condor_off/on -daemon, and is restarted when killed.
 */
const target = useEmulator();
const problem = (await testbedProblem()) ?? extensionSkipReason(target());
if (problem !== undefined) process.stderr.write(`[htcondor] skipped: ${problem}\n`);

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((wake) => setTimeout(wake, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(problem !== undefined)("the watch under a real condor_master", () => {
  let ap: AccessPoint;

  beforeAll(async () => {
    ap = await startAccessPoint({ endpoint: target().endpoint ?? "", config: { ANNEX_WATCH_INTERVAL: "2" } });
  }, 600_000);

  afterAll(async () => {
    await ap?.stop();
  });

  it("is started by condor_master from DAEMON_LIST, as the condor user, logging to ANNEX_WATCH_LOG", async () => {
    await until("the watch's first round", async () => / round: query /.test(await ap.watchLog()));
    const log = await ap.watchLog();
    expect(log).toMatch(/running as condor \(uid \d+\), dropped from root/);
    expect(log).toMatch(/condor-annex watch starting: every 2 s, query: condor_q -allusers -long/);
    const condor = rootUser(ap.root.dir, "condor");
    const processes = ap.watchProcesses();
    expect(processes).toHaveLength(1);
    expect(processes[0]?.uid).toBe(condor.uid);
    expect(await ap.logTail("MasterLog", 200)).toContain(
      `Started process "${ap.product.home}/bin/condor-annex"`,
    );
  });

  it("reads its knobs expanded: the helper it starts logs where $(LOG)/AnnexGahpLog says", async () => {
    const gahpLog = (await ap.must(["condor_config_val", "ANNEX_GAHP_LOG"])).trim();
    expect(gahpLog).toBe(`${ap.dir}/log/condor/AnnexGahpLog`);
    expect(await ap.gahpLog()).toMatch(/annex-gahp .* starting/);
    // HTCondor's own condor_annex default of 3000 s is not taken for ours.
    expect(await ap.gahpLog()).toMatch(/annex commands configured: region us-east-1, pool 127\.0\.0\.1:\d+/);
  });

  it("re-reads its configuration on condor_reconfig, without dying", async () => {
    const [before] = ap.watchProcesses();
    await ap.writeConfig("80-reconfig.config", "ANNEX_WATCH_INTERVAL = 3\n");
    await ap.must(["condor_reconfig"]);
    await until("the reconfig", async () => /reconfigured: every 3 s/.test(await ap.watchLog()));
    expect(await ap.watchLog()).toContain("caught SIGHUP; reading the configuration again");
    expect(ap.watchProcesses().map((p) => p.pid)).toEqual([before?.pid]);
  });

  it("stops with condor_off -daemon ANNEX_WATCH and starts again with condor_on", async () => {
    await ap.must(["condor_off", "-daemon", "ANNEX_WATCH"]);
    await until("the watch to stop", () => ap.watchProcesses().length === 0);
    expect(await ap.watchLog()).toMatch(/caught SIGTERM; stopping\n.*condor-annex watch stopped\n/);
    const starts = ((await ap.watchLog()).match(/condor-annex watch starting/g) ?? []).length;
    await ap.must(["condor_on", "-daemon", "ANNEX_WATCH"]);
    await until(
      "the watch to start again",
      async () => ((await ap.watchLog()).match(/condor-annex watch starting/g) ?? []).length > starts,
    );
    expect(ap.watchProcesses()).toHaveLength(1);
  });

  it("is started again by condor_master when it is killed", async () => {
    const [victim] = ap.watchProcesses();
    if (victim === undefined) throw new Error("no watch running");
    process.kill(victim.pid, "SIGKILL");
    // The master logs the death, then starts the watch again. (A new pid alone is not enough: a
    // child the watch had just forked, not yet exec'd, shows the watch's command line, and once
    // its parent is killed nothing marks it as a child any more.) The master names its children
    // by their pid in its own PID namespace, not the host's.
    const restarted = (log: string): boolean => {
      const died = log.search(/The ANNEX_WATCH \(pid \d+\) died due to signal 9 \(Killed\)/);
      return died >= 0 && /Started process "[^"]*\/bin\/condor-annex"/.test(log.slice(died));
    };
    await until(
      "condor_master to restart the watch",
      async () => restarted(await ap.logTail("MasterLog", 100)),
      120_000,
    );
    await until("the restarted watch", () => ap.watchProcesses().some((p) => p.pid !== victim.pid));
    expect(ap.watchProcesses().map((p) => p.pid)).not.toContain(victim.pid);
  }, 180_000);
});

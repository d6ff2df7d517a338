/**
 * Test files that must not run at the same time as each other, although each may run in parallel
 * with every other file. Shared by the sequencer (vitest.config.ts, which queues such files so
 * that waiting costs no other file a worker) and by the per-file setup of the e2e project
 * (test/support/e2e-file-setup.ts, which makes them take turns). Kept free of imports: the
 * vitest config loads it too.
 */

/**
 * The suites of the real-HTCondor test bed. They share one Debian root, and
 * `test/e2e/htcondor/pool.test.ts` checks that no process at all is left in it; each also runs a
 * whole pool (and burst-loop a pool of simulated instances), which two cores carry once, not
 * four times.
 */
const HTCONDOR_TESTBED = /^test\/e2e\/htcondor\/[^/]+\.test\.ts$/;

/** Whether `path` (relative to the repository, `/`-separated) is a suite of the HTCondor test bed. */
export function usesHtcondorTestbed(path: string): boolean {
  return HTCONDOR_TESTBED.test(path);
}

/**
 * `npm run htcondor`: starts a real HTCondor 25.14.1 personal pool (Debian unstable's packages,
 * chrooted on loopback; the root is built once into .cache/htcondor-root/), prints how to use it,
 * and serves until interrupted. Needs root and debootstrap (Debian: apt-get install debootstrap).
 * `--execute` adds a startd to the pool, so plain jobs run.
 */
import { testbedProblem } from "../test/support/htcondor/debian-root.js";
import { startPool } from "../test/support/htcondor/personal-pool.js";

const problem = await testbedProblem();
if (problem !== undefined) {
  process.stderr.write(`npm run htcondor: ${problem}\n`);
  process.exit(2);
}
const pool = await startPool({ execute: process.argv.includes("--execute") });
process.stdout.write(
  [
    `HTCondor pool ${pool.id} is up: ${pool.root.condorVersion}`,
    `  collector      ${pool.collectorHost}`,
    `  root           ${pool.root.dir}   (Node.js ${pool.root.nodeVersion} inside)`,
    `  CONDOR_CONFIG  ${pool.configFile}   (inside the root)`,
    `  config.d       ${pool.hostDir}/config.d   (add files here, then: ${pool.toolScript} condor_reconfig)`,
    `  logs           ${pool.hostLogDir}`,
    "Run HTCondor tools against it (as root on this machine):",
    `  ${pool.toolScript} condor_status -any`,
    `  ${pool.toolScript} --user alice condor_submit job.sub     (users: alice, bob; homes under ${pool.root.dir}/home)`,
    "Press Ctrl-C to stop it; nothing is left running.",
    "",
  ].join("\n"),
);
let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write("stopping the pool…\n");
  void pool.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

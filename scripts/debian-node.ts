/**
 * `npm run debian-node -- <command …>`: runs a command of this checkout under the Node.js of the
 * HTCondor test bed's Debian unstable root (Debian's `nodejs` package, 24.x), to check that the
 * product works on a newer Node than this machine's. The checkout is bound into the root at the
 * same path, in a private mount namespace, so nothing is left mounted; the command runs as root
 * with `node` and `npx` from Debian.
 *
 *   npm run debian-node -- node --version
 *   npm run debian-node -- node node_modules/vitest/vitest.mjs run --project unit
 *   npm run debian-node -- node bin/condor-annex.js demo
 */
import { spawn } from "node:child_process";
import { mkdirSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensurePythonEnv, repoRoot } from "../src/emulator/python-env.js";
import { ensureDebianRoot, testbedProblem } from "../test/support/htcondor/debian-root.js";
import { ROOT_PATH } from "../test/support/htcondor/root-process.js";

const command = process.argv.slice(2);
if (command.length === 0) {
  process.stderr.write("usage: npm run debian-node -- <command …>\n");
  process.exit(2);
}
const problem = await testbedProblem();
if (problem !== undefined) {
  process.stderr.write(`npm run debian-node: ${problem}\n`);
  process.exit(2);
}
const root = await ensureDebianRoot();
// The emulator's Python environment is the host's (the root has no Python packages of ours):
// its installation is bound into the root at the same path, like the checkout.
const { python } = await ensurePythonEnv();
const pythonHome = dirname(dirname(realpathSync(python)));
const binds = [repoRoot, pythonHome];
for (const path of binds) mkdirSync(join(root.dir, path), { recursive: true });
const script = [
  "root=$1; dir=$2; shift 2",
  ...binds.map((path) => `mount --bind ${JSON.stringify(path)} "$root"${JSON.stringify(path)} || exit 125`),
  'mount -t proc proc "$root/proc" || exit 125',
  'exec chroot "$root" /bin/sh -c \'cd "$0" && exec "$@"\' "$dir" "$@"',
].join("\n");
const child = spawn(
  "unshare",
  [
    "--mount",
    "--propagation",
    "private",
    "/bin/sh",
    "-c",
    script,
    "debian-node",
    root.dir,
    repoRoot,
    "env",
    `PATH=${ROOT_PATH}`,
    "HOME=/root",
    "LANG=C.UTF-8",
    // The root's own python3 (Debian's, pulled in by the AWS CLI) has no venv module.
    `ANNEX_PYTHON=${python}`,
    ...command,
  ],
  { stdio: "inherit" },
);
process.stderr.write(`[debian-node] ${root.nodeVersion} in ${root.dir}: ${command.join(" ")}\n`);
child.on("close", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));

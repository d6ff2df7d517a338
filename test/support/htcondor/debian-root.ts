/**
 * The Debian unstable root file system that carries real HTCondor for the test bed.
 *
 * Debian 12 (these machines) has no HTCondor package; Debian unstable has `condor`, `minicondor`
 * and `condor-dev` 25.14.1 — the version of the pinned `htcondor` wheel. `ensureDebianRoot()`
 * builds, once, a minimal unstable root with `debootstrap --variant=minbase`, then installs the
 * packages below with apt *inside* it (debootstrap's `--include` cannot resolve minicondor's
 * virtual dependencies) with /proc mounted in a private namespace, and stamps it. Later calls
 * reuse it: the stamp is the hash of the recipe, so a changed recipe rebuilds it.
 *
 * It lives in `.cache/htcondor-root/` of the checkout (ignored by git), or wherever
 * `ANNEX_HTCONDOR_ROOT` points (an existing root built by this recipe is reused as is).
 * Building needs root, `debootstrap` and the Debian mirror; {@link testbedProblem} says which is
 * missing, so suites can skip with the reason.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot, withDirLock } from "../../../src/emulator/python-env.js";
import { runInRoot } from "./root-process.js";

/** The suite and mirror the root is built from (`ANNEX_DEBIAN_MIRROR` overrides the mirror). */
export const DEBIAN_SUITE = "sid";
const DEFAULT_MIRROR = "http://deb.debian.org/debian";

/**
 * What is installed in the root, and why: the pool (minicondor pulls condor), libclassad's
 * headers and a compiler for the benchmark anchor, Node.js to run the product as an admin
 * would install it, the AWS CLI and curl for the instance bootstrap, procps for ps/pkill.
 */
export const ROOT_PACKAGES = [
  "minicondor",
  "condor-dev",
  "g++",
  "nodejs",
  "awscli",
  "curl",
  "procps",
] as const;

/** Users that submit jobs in tests (besides root and condor). */
export const ROOT_TEST_USERS = ["alice", "bob"] as const;

/** Bump when the steps below change in a way the package list does not show. */
const RECIPE_VERSION = 1;

/** A built root: where it is and what it holds. */
export interface DebianRoot {
  readonly dir: string;
  /** `condor_version`'s first line, e.g. `$CondorVersion: 25.14.1 … $`. */
  readonly condorVersion: string;
  /** The root's Node.js version, e.g. `v24.22.2`. */
  readonly nodeVersion: string;
}

/** Where the root is (built or not). */
export function debianRootDir(): string {
  const fromEnv = process.env.ANNEX_HTCONDOR_ROOT;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(repoRoot, ".cache", "htcondor-root");
}

function recipeHash(): string {
  return createHash("sha256")
    .update(JSON.stringify({ RECIPE_VERSION, DEBIAN_SUITE, ROOT_PACKAGES, ROOT_TEST_USERS }))
    .digest("hex");
}

const STAMP = "etc/condor-annex-testbed.stamp";

function runHost(
  command: string,
  args: readonly string[],
  timeoutMs = 900_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function hasCommand(name: string): Promise<boolean> {
  return (await runHost("/bin/sh", ["-c", `command -v ${name}`])).code === 0;
}

/**
 * Why the test bed cannot run here, or undefined when it can: it needs Linux, root (chroot,
 * mount and PID namespaces), util-linux's `unshare`, and `debootstrap` unless the root is built.
 */
export async function testbedProblem(): Promise<string | undefined> {
  if (process.platform !== "linux") return `the HTCondor test bed needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) {
    return "the HTCondor test bed needs root (chroot, mount and PID namespaces); run the suite as root, as CI does";
  }
  if (!(await hasCommand("unshare"))) return "the HTCondor test bed needs unshare (Debian: util-linux)";
  const probe = await runHost("unshare", ["--mount", "--pid", "--fork", "--propagation", "private", "true"]);
  if (probe.code !== 0) {
    return `this machine does not allow mount and PID namespaces (unshare failed: ${probe.output.trim()})`;
  }
  if (!(await isBuilt(debianRootDir())) && !(await hasCommand("debootstrap"))) {
    return "building the HTCondor test bed needs debootstrap (Debian: apt-get install debootstrap)";
  }
  return undefined;
}

async function isBuilt(dir: string): Promise<boolean> {
  const stamp = await readFile(join(dir, STAMP), "utf8").catch(() => "");
  return stamp.trim() === recipeHash();
}

function log(message: string): void {
  process.stderr.write(`[htcondor-root] ${message}\n`);
}

async function must(what: string, result: Promise<{ code: number | null; output: string }>): Promise<void> {
  const { code, output } = await result;
  if (code !== 0)
    throw new Error(`${what} failed (exit ${code}):\n${output.trim().split("\n").slice(-30).join("\n")}`);
}

async function inRoot(dir: string, script: string): Promise<{ code: number | null; output: string }> {
  const result = await runInRoot(dir, ["/bin/sh", "-c", script], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
    timeoutMs: 1_200_000,
  });
  return { code: result.code, output: `${result.stdout}${result.stderr}` };
}

async function build(dir: string): Promise<void> {
  const staging = `${dir}.build`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, ".."), { recursive: true });
  const mirror = process.env.ANNEX_DEBIAN_MIRROR || DEFAULT_MIRROR;
  const started = Date.now();
  log(`building a Debian ${DEBIAN_SUITE} root in ${dir} (once; about 2-3 minutes)`);
  await must(
    "debootstrap",
    runHost("debootstrap", ["--variant=minbase", DEBIAN_SUITE, staging, mirror], 1_200_000),
  );
  // No service may start while packages install; name resolution as on the host.
  await writeFile(join(staging, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  await writeFile(join(staging, "etc/resolv.conf"), await readFile("/etc/resolv.conf"));
  log(`installing ${ROOT_PACKAGES.join(" ")}`);
  await must(
    "apt-get install in the root",
    inRoot(
      staging,
      // Unstable's Release files can be older than their Valid-Until on a mirror snapshot.
      "apt-get -o Acquire::Check-Valid-Until=false update -qq && " +
        `apt-get install -y -qq --no-install-recommends ${ROOT_PACKAGES.join(" ")} && apt-get clean`,
    ),
  );
  await must(
    "creating the test users",
    inRoot(staging, ROOT_TEST_USERS.map((user) => `useradd --create-home ${user}`).join(" && ")),
  );
  await writeFile(join(staging, STAMP), `${recipeHash()}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function describe(dir: string): Promise<DebianRoot> {
  const version = await runInRoot(dir, ["condor_version"]);
  const node = await runInRoot(dir, ["node", "--version"]);
  if (version.code !== 0) throw new Error(`condor_version failed in ${dir}: ${version.stderr}`);
  return {
    dir,
    condorVersion: version.stdout.split("\n")[0]?.trim() ?? "",
    nodeVersion: node.stdout.trim(),
  };
}

let ensured: Promise<DebianRoot> | undefined;

/**
 * The root, built on first use (serialised across processes by a lock next to it). Throws with
 * the reason when it cannot be built; check {@link testbedProblem} first to skip instead.
 */
export function ensureDebianRoot(): Promise<DebianRoot> {
  ensured ??= (async () => {
    const dir = debianRootDir();
    if (!(await isBuilt(dir))) {
      if (process.env.ANNEX_HTCONDOR_ROOT && existsSync(join(dir, "usr/sbin/condor_master"))) {
        log(`${dir} was not built by this recipe; using it as it is`);
      } else {
        await mkdir(join(dir, ".."), { recursive: true });
        await withDirLock(`${dir}.lock`, async () => {
          if (!(await isBuilt(dir))) await build(dir);
        });
      }
    }
    return describe(dir);
  })();
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}

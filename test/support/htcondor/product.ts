/**
 * condor-annex installed in the test bed's root exactly as the admin guide installs it: the
 * package `npm pack` makes, installed with
 * `npm install --global --prefix /opt/condor-annex/<digest> ./condor-annex-<version>.tgz`, so that
 * `$(CONDOR_ANNEX_HOME)/bin/condor-annex` and `…/bin/annex-gahp` exist, and run by the root's own
 * Node.js (Debian's). The digest of the tarball names the prefix, so an unchanged package is
 * installed once and reused.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot, withDirLock } from "../../../src/emulator/python-env.js";
import { packCheckout } from "../pack-checkout.js";
import type { DebianRoot } from "./debian-root.js";

/** An installation of the product inside the root. */
export interface InstalledProduct {
  /** `CONDOR_ANNEX_HOME`, as seen inside the root. */
  readonly home: string;
  /** The same directory on the host. */
  readonly hostHome: string;
  /** The tarball that was installed. */
  readonly tarball: string;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => resolve({ code: null, output: `${output}${error.message}` }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

let packed: Promise<string> | undefined;

/** `npm pack` of this checkout (once per process, from a copy), into `.cache/pack/`; the tarball's path. */
export function packProduct(): Promise<string> {
  packed ??= (async () => {
    const dir = join(repoRoot, ".cache", "pack", String(process.pid));
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    // Packed from a copy: prepack's rebuild must not rewrite the dist/ other files are running.
    return (await packCheckout(dir)).tarball;
  })();
  packed.catch(() => {
    packed = undefined;
  });
  return packed;
}

/** Installs the packed product into the root (or finds it installed) and returns where. */
export async function installProduct(root: DebianRoot): Promise<InstalledProduct> {
  const tarball = await packProduct();
  const digest = createHash("sha256")
    .update(await readFile(tarball))
    .digest("hex")
    .slice(0, 16);
  const home = `/opt/condor-annex/${digest}`;
  const hostHome = join(root.dir, home);
  const installed = () =>
    existsSync(join(hostHome, "bin", "condor-annex")) && existsSync(join(hostHome, "bin", "annex-gahp"));
  if (!installed()) {
    await mkdir(join(root.dir, "opt", "condor-annex"), { recursive: true });
    await withDirLock(`${hostHome}.lock`, async () => {
      if (installed()) return;
      const result = await run(
        "npm",
        ["install", "--global", "--prefix", hostHome, "--omit=dev", "--no-audit", "--no-fund", tarball],
        repoRoot,
      );
      if (result.code !== 0 || !installed()) {
        await rm(hostHome, { recursive: true, force: true });
        throw new Error(`npm install --global --prefix ${hostHome} ${tarball} failed:\n${result.output}`);
      }
    });
  }
  return { home, hostHome, tarball };
}

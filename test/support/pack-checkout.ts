/**
 * `npm pack` of this checkout without touching it. The package's `prepack` rebuilds `dist/`;
 * run in the checkout, that rewrites files other test files are executing at the same moment (e2e
 * files run in parallel, and several of them run `bin/*.js` from `dist/`). So the checkout's
 * files (tracked and untracked, as git lists them; ignored ones such as `dist/` and `.cache/`
 * left out) are copied into a staging directory that borrows `node_modules/`, and packed there.
 */
import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "../../src/emulator/python-env.js";

/** What a pack made: the tarball and the paths it holds. */
export interface PackedCheckout {
  readonly tarball: string;
  readonly files: readonly string[];
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      output = (output + chunk.toString("utf8")).slice(-20_000);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    });
    child.on("error", (error) => resolve({ code: null, stdout, output: `${output}${error.message}` }));
    child.on("close", (code) => resolve({ code, stdout, output }));
  });
}

/** Packs a copy of the checkout into `destination`. */
export async function packCheckout(destination: string): Promise<PackedCheckout> {
  const listed = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], repoRoot);
  if (listed.code !== 0) throw new Error(`git ls-files failed:\n${listed.output}`);
  const stage = await mkdtemp(join(tmpdir(), "annex-pack-"));
  try {
    for (const path of listed.stdout.split("\0")) {
      if (path === "") continue;
      await mkdir(dirname(join(stage, path)), { recursive: true });
      // A file deleted in the working tree but still tracked is simply not copied.
      await copyFile(join(repoRoot, path), join(stage, path)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    }
    await symlink(join(repoRoot, "node_modules"), join(stage, "node_modules"), "dir");
    const packed = await run("npm", ["pack", "--json", "--pack-destination", destination], stage);
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
    const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const first = report[0];
    if (first === undefined) throw new Error(`npm pack reported no package:\n${packed.output}`);
    return { tarball: join(destination, first.filename), files: first.files.map((file) => file.path) };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

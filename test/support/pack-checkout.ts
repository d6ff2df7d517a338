/**
 * `npm pack` of this checkout without touching it. The package's `prepack` rebuilds `dist/`;
 * run in the checkout, that rewrites files other test files are executing at the same moment (e2e
 * files run in parallel, and several of them run `bin/*.js` from `dist/`). So the checkout's
 * files (tracked and untracked, as git lists them; ignored ones such as `dist/` and `.cache/`
 * left out) are copied into a staging directory that borrows `node_modules/`, and packed there.
 */
import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "../../src/emulator/python-env.js";
import { runProgram } from "./condor-annex-bin.js";

/** What a pack made: the tarball and the paths it holds. */
export interface PackedCheckout {
  readonly tarball: string;
  readonly files: readonly string[];
}

/** Packs a copy of the checkout into `destination`. */
export async function packCheckout(destination: string): Promise<PackedCheckout> {
  const listed = await runProgram("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
  });
  if (listed.code !== 0) throw new Error(`git ls-files failed:\n${listed.stderr}`);
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
    const packed = await runProgram("npm", ["pack", "--json", "--pack-destination", destination], {
      cwd: stage,
    });
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr.slice(-20_000)}`);
    const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const first = report[0];
    if (first === undefined)
      throw new Error(`npm pack reported no package:\n${packed.stdout.slice(-20_000)}`);
    return { tarball: join(destination, first.filename), files: first.files.map((file) => file.path) };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

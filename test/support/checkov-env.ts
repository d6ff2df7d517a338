/**
 * checkov in its own pinned virtualenv, `.venv-checkov/`, built from
 * `test/security/checkov/requirements.txt` (checkov and its whole dependency tree, pinned). It
 * is separate from the emulator's `.venv/` because checkov's pins (boto3, PyYAML, …) conflict
 * with moto's. The venv is stamped with the requirements' SHA-256 and rebuilt only when they
 * change; parallel callers wait on a lock directory. A fresh build takes about 2–3 minutes
 * (measured 2 min 39 s on two busy cores); later calls return at once.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot, withDirLock } from "./python-env.js";

/** The pinned requirements of the checkov venv. */
export const checkovRequirements: string = join(repoRoot, "test", "security", "checkov", "requirements.txt");

const venvDir = join(repoRoot, ".venv-checkov");
const checkovBin = join(venvDir, "bin", "checkov");
const stampFile = join(venvDir, ".annex-requirements.sha256");
const lockDir = join(repoRoot, ".venv-checkov.lock");

function run(command: string, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", (error) => resolve({ code: null, output: `${output}${error.message}` }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function build(hash: string): Promise<void> {
  const python = process.env.ANNEX_PYTHON ?? "python3";
  // No --system-site-packages: checkov must see only its own pins.
  const created = await run(python, ["-m", "venv", "--clear", venvDir]);
  if (created.code !== 0) {
    throw new Error(
      `creating ${venvDir} with ${python} failed (Debian: apt-get install python3-venv):\n${created.output}`,
    );
  }
  const pip = join(venvDir, "bin", "pip");
  const installed = await run(pip, [
    "install",
    "--disable-pip-version-check",
    "--quiet",
    "-r",
    checkovRequirements,
  ]);
  if (installed.code !== 0) {
    throw new Error(`pip install -r ${checkovRequirements} failed:\n${installed.output.slice(-4000)}`);
  }
  await writeFile(stampFile, `${hash}\n`);
}

let cached: Promise<string> | undefined;

/**
 * The path of a `checkov` executable at the pinned version, building `.venv-checkov/` first if
 * needed. Memoised per process; safe across processes. Throws with what to install on failure.
 */
export function ensureCheckov(): Promise<string> {
  if (cached === undefined) {
    cached = (async () => {
      const hash = createHash("sha256")
        .update(await readFile(checkovRequirements))
        .digest("hex");
      return withDirLock(lockDir, async () => {
        const stamped = await readFile(stampFile, "utf8").catch(() => "");
        if (stamped.trim() !== hash || !existsSync(checkovBin)) await build(hash);
        return checkovBin;
      });
    })();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

/** The version checkov must report: the pin in the requirements file. */
export async function pinnedCheckovVersion(): Promise<string> {
  const text = await readFile(checkovRequirements, "utf8");
  const pin = /^checkov==(\S+)$/m.exec(text)?.[1];
  if (pin === undefined) throw new Error(`${checkovRequirements} pins no checkov version`);
  return pin;
}

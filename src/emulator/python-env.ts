/**
 * The pinned Python environment of the end-to-end harness (moto, cfn-lint, pytest, htcondor).
 *
 * `ensurePythonEnv()` finds `python3`, uses it directly when it already has every pin of
 * `emulator/requirements.txt` at exactly that version, and otherwise creates or refreshes a
 * virtualenv from that file (`.venv/` of a checkout; for an installed package, the user's cache:
 * see `venvLocation`). The venv is stamped with the SHA-256 of the
 * requirements file so it is rebuilt only when the pins change, and concurrent callers (vitest
 * workers, `npm run emulator`) are serialised with a lock directory next to it.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest directory at or above `start` holding `emulator/requirements.txt`. */
function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "emulator", "requirements.txt"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** Absolute path of the repository root (found from this module, which may be bundled elsewhere). */
export const repoRoot: string = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** Absolute path of the pinned requirements file. */
export const requirementsFile: string = join(repoRoot, "emulator", "requirements.txt");

/**
 * Where the virtualenv goes: `.venv/` of a checkout (git-ignored, as developers and CI expect);
 * for an installed package, whose directory may belong to root, the user's cache
 * (`$XDG_CACHE_HOME/condor-annex/venv`, else `~/.cache/condor-annex/venv`). `ANNEX_VENV` overrides.
 */
function venvLocation(): string {
  const configured = process.env.ANNEX_VENV;
  if (configured !== undefined && configured !== "") return configured;
  if (existsSync(join(repoRoot, ".git"))) return join(repoRoot, ".venv");
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "condor-annex", "venv");
}

const venvDir = venvLocation();
const venvPython = join(venvDir, "bin", "python");
const stampFile = join(venvDir, ".annex-requirements.sha256");
const lockDir = `${venvDir}.lock`;
const pinChecker = join(repoRoot, "emulator", "check_pins.py");

/** The interpreter that has the harness's pins. */
export interface PythonEnv {
  /** Absolute path (or command name) of a Python 3 interpreter with every pin installed. */
  python: string;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], timeoutMs = 600_000): Promise<RunResult> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolveRun({ code: null, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** Finds a Python >= 3.9 on PATH (`ANNEX_PYTHON` overrides), or throws a clear error. */
async function findPython3(): Promise<string> {
  const candidates = [process.env.ANNEX_PYTHON, "python3", "python"].filter(
    (name): name is string => typeof name === "string" && name.length > 0,
  );
  for (const candidate of candidates) {
    const probe = await run(candidate, ["-c", "import sys; print(sys.version_info[0], sys.version_info[1])"]);
    if (probe.code !== 0) continue;
    const [major, minor] = probe.stdout.trim().split(" ").map(Number);
    if (major === 3 && minor !== undefined && minor >= 9) return candidate;
  }
  throw new Error(
    `The local AWS emulator needs Python 3.9+ (tried: ${candidates.join(", ")}). ` +
      "Install python3 with the venv module (Debian: apt-get install python3 python3-venv), " +
      "or set ANNEX_PYTHON to an interpreter.",
  );
}

/** What the emulator's Python needs, as found on this machine. */
export interface PythonCheck {
  /** The interpreter, and its version (`3.11.7`). */
  readonly python: string;
  readonly version: string;
  /** Whether it already has every pin (no virtualenv needed). */
  readonly hasPins: boolean;
}

/**
 * Checks, without installing anything, that the emulator can have its Python: a Python 3.9+, and
 * — unless that interpreter already has every pin — its `venv` module with `ensurepip` (Debian
 * splits them into python3-venv). Throws saying exactly what to install.
 */
export async function checkPython(): Promise<PythonCheck> {
  const python = await findPython3();
  const version = (
    await run(python, ["-c", "import platform; print(platform.python_version())"])
  ).stdout.trim();
  if ((await hasPins(python)).ok) return { python, version, hasPins: true };
  const venv = await run(python, ["-c", "import venv, ensurepip"]);
  if (venv.code !== 0) {
    throw new Error(
      `${python} (Python ${version}) has no working venv module, which the local AWS emulator needs to install ` +
        "its pinned packages. Install it (Debian/Ubuntu: apt-get install python3-venv; Fedora/RHEL: dnf install python3), " +
        "or set ANNEX_PYTHON to a Python that has it.",
    );
  }
  return { python, version, hasPins: false };
}

async function hasPins(python: string): Promise<{ ok: boolean; detail: string }> {
  const result = await run(python, [pinChecker, requirementsFile]);
  return { ok: result.code === 0, detail: `${result.stdout}${result.stderr}`.trim() };
}

async function requirementsHash(): Promise<string> {
  return createHash("sha256")
    .update(await readFile(requirementsFile))
    .digest("hex");
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readOwner(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, "owner"), "utf8").catch(() => "");
  const pid = Number.parseInt(text, 10);
  return Number.isFinite(pid) ? pid : undefined;
}

function uniqueSibling(dir: string, tag: string): string {
  return `${dir}.${tag}.${process.pid}.${randomBytes(4).toString("hex")}`;
}

/** Removes `dir` atomically (rename first), so no one ever sees a half-deleted lock. */
async function discard(dir: string, tag: string): Promise<void> {
  const doomed = uniqueSibling(dir, tag);
  try {
    await rename(dir, doomed);
  } catch {
    return; // already gone
  }
  await rm(doomed, { recursive: true, force: true });
}

/**
 * Holds a lock directory for the duration of `body`. The lock appears atomically with its
 * owner's pid inside (built aside, then renamed into place); a lock whose owner died, or one
 * without an owner older than 10 s, is broken. Serialises processes and callers alike.
 */
export async function withDirLock<T>(dir: string, body: () => Promise<T>, timeoutMs = 900_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const staging = uniqueSibling(dir, "new");
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, "owner"), String(process.pid));
    try {
      await rename(staging, dir);
      break;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
    const owner = await readOwner(dir);
    const age = await stat(dir).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    const stale =
      (owner !== undefined && !processAlive(owner)) ||
      (owner === undefined && age > 10_000) ||
      Date.now() - started > timeoutMs;
    if (stale && (await readOwner(dir)) === owner) {
      await discard(dir, "stale");
      continue;
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
  try {
    return await body();
  } finally {
    await discard(dir, "released");
  }
}

async function buildVenv(python: string, hash: string): Promise<void> {
  // --system-site-packages lets pip reuse the machine's matching packages and fetch only
  // the missing or differing pins, which keeps the first run short.
  const create = await run(python, ["-m", "venv", "--clear", "--system-site-packages", venvDir]);
  if (create.code !== 0) {
    throw new Error(
      `Creating ${venvDir} with ${python} failed (is the venv module installed? Debian: python3-venv):\n${create.stderr}`,
    );
  }
  const install = await run(venvPython, [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "--quiet",
    "-r",
    requirementsFile,
  ]);
  if (install.code !== 0) {
    throw new Error(`pip install -r ${requirementsFile} failed:\n${install.stdout}\n${install.stderr}`);
  }
  const check = await hasPins(venvPython);
  if (!check.ok) throw new Error(`${venvDir} still lacks pins after pip install: ${check.detail}`);
  await writeFile(stampFile, `${hash}\n`);
}

async function resolvePythonEnv(): Promise<PythonEnv> {
  const python = await findPython3();
  if ((await hasPins(python)).ok) return { python };
  const hash = await requirementsHash();
  return withDirLock(lockDir, async () => {
    const stamped = await readFile(stampFile, "utf8").catch(() => "");
    if (stamped.trim() === hash && existsSync(venvPython)) return { python: venvPython };
    await buildVenv(python, hash);
    return { python: venvPython };
  });
}

let cached: Promise<PythonEnv> | undefined;

/**
 * Returns a Python interpreter with every pin of `emulator/requirements.txt`, building `.venv/`
 * when the machine's python3 lacks one. Memoised per process; safe to call from parallel processes.
 * Throws with a message saying what to install when Python 3 is missing or pip fails.
 */
export function ensurePythonEnv(): Promise<PythonEnv> {
  if (cached === undefined) {
    cached = resolvePythonEnv();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

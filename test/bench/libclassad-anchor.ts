/**
 * The C++ anchor of `npm run bench:classad`: HTCondor's own libclassad (Debian's `condor-dev`
 * 25.14.1, from the HTCondor test bed's Debian root — docs/htcondor-testbed.md) parsing the same
 * corpus as our parser. libclassad-anchor.cpp is compiled inside the root once per source version
 * (cached there) and run chrooted; it times only its own parse loop.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ensureDebianRoot, testbedProblem } from "../support/htcondor/debian-root.js";
import { runInRoot } from "../support/htcondor/root-process.js";

/** What the anchor program measured for one corpus. */
export interface AnchorFigures {
  readonly mode: AnchorMode;
  /** libclassad's own version string. */
  readonly version: string;
  readonly units: number;
  readonly bytes: number;
  /** The best of the runs, in milliseconds. */
  readonly bestMs: number;
  /** Units libclassad refused to parse (must be 0 for the figure to mean anything). */
  readonly failures: number;
}

/** `new`: one new-syntax ad per line; `old`: long form; `expr`: one expression per line. */
export type AnchorMode = "new" | "old" | "expr";

// Run from the package root (npm run sets the cwd); the bundled script lives in .run-ts/.
const SOURCE = resolve(process.cwd(), "test/bench/libclassad-anchor.cpp");
const CACHE_IN_ROOT = "/var/cache/condor-annex-bench";

function figuresFrom(stdout: string): AnchorFigures {
  const value: unknown = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
  if (typeof value !== "object" || value === null) throw new Error(`anchor printed ${stdout}`);
  const record = value as Record<string, unknown>;
  const number = (key: string): number => {
    const n = record[key];
    if (typeof n !== "number") throw new Error(`anchor output lacks ${key}: ${stdout}`);
    return n;
  };
  const mode = record.mode;
  if (mode !== "new" && mode !== "old" && mode !== "expr")
    throw new Error(`anchor output: bad mode in ${stdout}`);
  return {
    mode,
    version: typeof record.version === "string" ? record.version : "?",
    units: number("units"),
    bytes: number("bytes"),
    bestMs: number("bestMs"),
    failures: number("failures"),
  };
}

/** The compiled anchor in the Debian root, ready to run corpora. */
export class LibclassadAnchor {
  private constructor(
    private readonly root: string,
    private readonly binary: string,
    private readonly workDir: string,
  ) {}

  /**
   * Builds (or reuses) the root and the anchor binary. Resolves to the reason instead when this
   * machine cannot: no root, no namespaces, or a compiler or library problem.
   */
  static async open(): Promise<LibclassadAnchor | string> {
    const problem = await testbedProblem();
    if (problem !== undefined) return problem;
    let root: string;
    try {
      root = (await ensureDebianRoot()).dir;
    } catch (error) {
      return `the Debian root could not be built: ${(error as Error).message}`;
    }
    const source = await readFile(SOURCE);
    const digest = createHash("sha256").update(source).digest("hex").slice(0, 16);
    const binary = `${CACHE_IN_ROOT}/libclassad-anchor-${digest}`;
    if (!existsSync(join(root, binary))) {
      await mkdir(join(root, CACHE_IN_ROOT), { recursive: true });
      await writeFile(join(root, `${binary}.cpp`), source);
      // C++20: libclassad 25.x's headers (flat_set.h) do not compile as C++17.
      const compiled = await runInRoot(root, [
        "g++",
        "-O2",
        "-std=c++20",
        "-o",
        binary,
        `${binary}.cpp`,
        "-lclassad",
      ]);
      if (compiled.code !== 0)
        return `libclassad-anchor.cpp did not compile in the root: ${compiled.stderr.trim()}`;
    }
    const workDir = `/tmp/condor-annex-bench-${process.pid}`;
    await mkdir(join(root, workDir), { recursive: true });
    return new LibclassadAnchor(root, binary, workDir);
  }

  /** Writes `corpus` into the root and has libclassad parse it `runs` times. */
  async measure(mode: AnchorMode, corpus: string | Buffer, runs: number): Promise<AnchorFigures> {
    const file = `${this.workDir}/${mode}.txt`;
    await writeFile(join(this.root, file), corpus);
    const result = await runInRoot(this.root, [this.binary, mode, file, String(runs)]);
    if (result.code !== 0) throw new Error(`libclassad anchor (${mode}) failed: ${result.stderr.trim()}`);
    return figuresFrom(result.stdout);
  }

  /** Removes the corpora written into the root (the binary stays cached). */
  async close(): Promise<void> {
    await rm(join(this.root, this.workDir), { recursive: true, force: true });
  }
}

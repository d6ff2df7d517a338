import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ensurePythonEnv, repoRoot } from "../../src/emulator/python-env.js";

/**
 * The README's two command lines, as a newcomer types them: parsed from the README (so README and
 * test cannot drift), run in a fresh clone of this repository's HEAD with an empty npm cache.
 *
 * - The demo line runs as written.
 * - The test line runs as written too, but inside this very suite it would run the whole suite
 *   again (and this test with it): `ANNEX_TEST_SELECTION` narrows the nested vitest run to one
 *   file (vitest.config.ts). Everything before vitest — `npm ci` from an empty cache, build,
 *   typecheck, lint — runs in full.
 * - The emulator's Python environment of this run is reused (`ANNEX_PYTHON`): building another
 *   `.venv/` would prove only that pip works, which every CI run on a clean clone proves anyway.
 */

/** The two command lines of the README's first block (comments stripped). */
function readmeCommands(readme: string): { demo: string; test: string } {
  const section = readme.slice(readme.indexOf("## The two commands"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('the README has no ```sh block under "The two commands"');
  const lines = block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
  if (lines.length !== 2)
    throw new Error(`the README's first block has ${lines.length} command lines, not 2`);
  const [demo, test] = lines as [string, string];
  return { demo, test };
}

const README = readFileSync(join(repoRoot, "README.md"), "utf8");
const work = mkdtempSync(join(tmpdir(), "annex-readme-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sh(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("the README's two commands", () => {
  it("are two lines, and .ci/run runs exactly the test line", () => {
    const { demo, test } = readmeCommands(README);
    expect(demo).toBe("npm ci && npm run demo");
    expect(test).toBe("npm ci && npm test");
    expect(readFileSync(join(repoRoot, ".ci", "run"), "utf8").split("\n")).toContain(test);
  });

  it("work as written in a fresh clone with an empty npm cache", async () => {
    const { demo, test } = readmeCommands(README);
    const clone = join(work, "clone");
    expect(
      (
        await sh(
          `git clone -q ${JSON.stringify(repoRoot)} ${JSON.stringify(clone)}`,
          work,
          process.env,
          120_000,
        )
      ).code,
    ).toBe(0);
    const { python } = await ensurePythonEnv();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      // A newcomer's shell: none of this run's npm, vitest, AWS or HTCondor settings.
      if (
        /^(npm_|VITEST|AWS_|_CONDOR_|ANNEX_)/i.test(key) ||
        key === "NODE_OPTIONS" ||
        key === "CONDOR_CONFIG"
      )
        continue;
      env[key] = value;
    }
    env.npm_config_cache = join(work, "empty-npm-cache");
    env.ANNEX_PYTHON = python;

    const demoRun = await sh(demo, clone, env, 900_000);
    expect(demoRun.code, demoRun.output.slice(-4000)).toBe(0);
    expect(demoRun.output).toMatch(/added \d+ packages/);
    expect(demoRun.output).toMatch(/Demo finished in \d+\.\d s; the emulator and helper are stopped/);

    const testRun = await sh(test, clone, { ...env, ANNEX_TEST_SELECTION: "test/version.test.ts" }, 900_000);
    expect(testRun.code, testRun.output.slice(-4000)).toBe(0);
    for (const step of [
      "> tsc -p tsconfig.build.json",
      "> tsc -p tsconfig.json --noEmit",
      "> biome check .",
    ]) {
      expect(testRun.output).toContain(step);
    }
    // vitest colours its summary: read it without the escape sequences.
    expect(stripVTControlCharacters(testRun.output)).toMatch(/Test Files\s+1 passed \(1\)/);
  }, 1_800_000);
});

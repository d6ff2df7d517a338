import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePythonEnv } from "../../src/emulator/python-env.js";
import { runProgram } from "../support/condor-annex-bin.js";
import { packCheckout } from "../support/pack-checkout.js";

/**
 * The package a site installs: `npm pack` of this checkout, installed with
 * `npm install --global --prefix <dir> ./condor-annex-<version>.tgz` (runtime dependencies only),
 * then used from another directory, without the sources or any development dependency.
 */

/** A command of the walk-through, killed after five minutes unless told otherwise. */
const run = (
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
) => runProgram(command, args, { timeoutMs: 300_000, ...options });

const work = mkdtempSync(join(tmpdir(), "annex-package-"));
const prefix = join(work, "prefix");
const elsewhere = join(work, "elsewhere");
let tarball = "";
let files: string[] = [];

beforeAll(async () => {
  // Packed from a copy: prepack's rebuild must not rewrite the dist/ other files are running.
  const packed = await packCheckout(work);
  tarball = packed.tarball;
  files = [...packed.files];
  const installed = await run(
    "npm",
    ["install", "--global", "--prefix", prefix, "--omit=dev", "--no-audit", "--no-fund", tarball],
    { cwd: work, timeoutMs: 600_000 },
  );
  expect(installed.code, installed.stderr).toBe(0);
  await run("mkdir", ["-p", elsewhere], { cwd: work });
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the package", () => {
  it("ships what runs it, and no sources or tests", () => {
    for (const needed of [
      "bin/condor-annex.js",
      "bin/annex-gahp.js",
      "dist/src/cli/condor-annex.js",
      "dist/src/annex-gahp/main.js",
      "dist/lease-lambda.zip",
      "templates/bootstrap.sh",
      "condor-config/access-point/50-condor-annex.config",
      "npm-shrinkwrap.json",
      "README.md",
    ]) {
      expect(files).toContain(needed);
    }
    // The local emulator ships for the demo (its Python extension and pins), not its tests.
    expect(
      files.filter((path) => /^(test|src|grammar|lambdas|scripts|emulator\/tests)\//.test(path)),
    ).toEqual([]);
    expect(files.filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))).toEqual([]);
  });

  it("installs without development dependencies (no bundler, no test tools)", () => {
    const modules = join(prefix, "lib", "node_modules", "condor-annex", "node_modules");
    for (const devOnly of ["esbuild", "vitest", "typescript", "@biomejs", "fast-check"]) {
      expect(existsSync(join(modules, devOnly)), devOnly).toBe(false);
    }
    expect(readdirSync(join(prefix, "bin")).sort()).toEqual(["annex-gahp", "condor-annex"]);
  });

  it("runs condor-annex --help from another directory", async () => {
    const help = await run(join(prefix, "bin", "condor-annex"), ["--help"], { cwd: elsewhere });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: condor-annex/);
    expect(help.stderr).toBe("");
  });

  it("runs annex-gahp: the banner, then the GAHP protocol on stdin", async () => {
    const gahp = await run(join(prefix, "bin", "annex-gahp"), [], {
      cwd: elsewhere,
      input: "VERSION\r\nQUIT\r\n",
    });
    expect(gahp.code).toBe(0);
    expect(gahp.stdout).toMatch(
      /^\$GahpVersion: \S+ \w{3} \d+ \d{4} HTCondor\\ Annex\\ GAHP \$\r?\nS \$GahpVersion: /,
    );
  });

  it("runs the demo from another directory, with the lease Lambda it shipped", async () => {
    const { python } = await ensurePythonEnv();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (/^(AWS_|_CONDOR_)/.test(key) || key === "CONDOR_CONFIG") continue;
      env[key] = value;
    }
    const demo = await run(join(prefix, "bin", "condor-annex"), ["demo"], {
      cwd: elsewhere,
      env: { ...env, ANNEX_PYTHON: python },
      timeoutMs: 300_000,
    });
    expect(demo.code, `${demo.stdout.slice(-3000)}${demo.stderr}`).toBe(0);
    expect(demo.stdout).toMatch(/Demo finished in \d+\.\d s/);
  }, 300_000);
});

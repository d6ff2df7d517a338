/**
 * Every rendered variant of both stacks passes cfn-lint 1.51.0 with zero errors and zero
 * warnings. All templates go through one cfn-lint run (its start-up dominates the cost).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderAnnexStack, renderSetupStack, templateBody } from "../../templates/index.js";
import { annexVariants, setupVariants } from "./variants.js";

/** How to run cfn-lint: the harness's pinned Python env, else `cfn-lint` on PATH. */
async function cfnLintCommand(): Promise<{ command: string; prefix: string[]; source: string }> {
  try {
    const { ensurePythonEnv } = await import("../support/python-env.js");
    const { python } = await ensurePythonEnv();
    return {
      command: python,
      prefix: [
        "-c",
        "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())",
      ],
      source: `${python} (pinned env)`,
    };
  } catch (error) {
    const probe = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
    if (probe.status === 0) return { command: "cfn-lint", prefix: [], source: "cfn-lint on PATH" };
    throw new Error(
      `cfn-lint is unavailable: the pinned Python env failed (${String(error)}) and PATH has none`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), "annex-cfn-lint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cfn-lint on every rendered template", () => {
  it("reports zero errors, warnings and informational findings over the whole variant matrix", async () => {
    const files: string[] = [];
    for (const v of annexVariants()) {
      const file = join(dir, `annex_${v.name}.json`);
      writeFileSync(file, templateBody(renderAnnexStack(v.params)));
      files.push(file);
    }
    for (const v of setupVariants()) {
      const file = join(dir, `${v.name}.json`);
      writeFileSync(file, templateBody(renderSetupStack(v.params)));
      files.push(file);
    }
    expect(files.length).toBeGreaterThanOrEqual(100);

    const lint = await cfnLintCommand();
    const version = spawnSync(lint.command, [...lint.prefix, "--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toBe("cfn-lint 1.51.0");
    const result = spawnSync(
      lint.command,
      [
        ...lint.prefix,
        "--regions",
        "us-east-1",
        "--include-checks",
        "I",
        "--format",
        "parseable",
        "--",
        ...files,
      ],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    // Exit code is a bit mask (2 errors, 4 warnings, 8 informational); anything printed is a finding.
    expect({ status: result.status, findings: result.stdout.trim(), stderr: result.stderr.trim() }).toEqual({
      status: 0,
      findings: "",
      stderr: "",
    });
  }, 600_000);

  it("would catch a finding: a deprecated runtime is reported as E2533", async () => {
    const template = JSON.parse(templateBody(renderSetupStack(setupVariants()[1]?.params ?? {}))) as {
      Resources: { LeaseFunction: { Properties: { Runtime: string } } };
    };
    template.Resources.LeaseFunction.Properties.Runtime = "nodejs20.x";
    const file = join(dir, "deprecated-runtime.json");
    writeFileSync(file, JSON.stringify(template));
    const lint = await cfnLintCommand();
    const result = spawnSync(
      lint.command,
      [...lint.prefix, "--regions", "us-east-1", "--format", "parseable", "--", file],
      {
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("E2533");
  }, 600_000);
});

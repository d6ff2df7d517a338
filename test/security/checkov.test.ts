/**
 * checkov (pinned, from PyPI, in its own venv) on every rendered variant of both stacks: zero
 * failed checks and zero parsing errors. Accepted findings are suppressed only next to the
 * resource they concern (`Metadata.checkov.skip` in the template, see templates/checkov.ts),
 * each with its reason; checkov reports them as skipped with that reason, and this test fails on
 * a suppression without one. One checkov run covers all templates (its start-up dominates).
 *
 * The first run on a fresh machine builds `.venv-checkov/` (about 2–3 minutes); hence the timeout.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CfnTemplate, renderAnnexStack, renderSetupStack, templateBody } from "../../templates/index.js";
import { ensureCheckov, pinnedCheckovVersion } from "../support/checkov-env.js";
import { annexVariants, baseAnnex, setupVariants } from "../templates/variants.js";

interface CheckResult {
  readonly check_id: string;
  readonly resource: string;
  readonly file_path: string;
  readonly check_result?: { readonly result?: string; readonly suppress_comment?: string };
}

interface CheckovReport {
  readonly check_type: string;
  readonly summary: { passed: number; failed: number; skipped: number; parsing_errors: number };
  readonly results: {
    readonly passed_checks?: CheckResult[];
    readonly failed_checks?: CheckResult[];
    readonly skipped_checks?: CheckResult[];
  };
}

const dir = mkdtempSync(join(tmpdir(), "annex-checkov-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function renderAll(): { file: string; template: CfnTemplate }[] {
  const out: { file: string; template: CfnTemplate }[] = [];
  for (const v of annexVariants())
    out.push({ file: `annex_${v.name}.json`, template: renderAnnexStack(v.params) });
  for (const v of setupVariants()) out.push({ file: `${v.name}.json`, template: renderSetupStack(v.params) });
  for (const { file, template } of out) writeFileSync(join(dir, file), templateBody(template));
  return out;
}

function runCheckov(checkov: string, target: string[]): CheckovReport[] {
  const result = spawnSync(
    checkov,
    [...target, "--framework", "cloudformation", "--skip-download", "--output", "json"],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, BC_SKIP_MAPPING: "TRUE" } },
  );
  if (result.stdout.trim() === "") throw new Error(`checkov printed nothing: ${result.stderr.slice(-2000)}`);
  const parsed = JSON.parse(result.stdout) as CheckovReport | CheckovReport[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

describe("checkov on every rendered template", () => {
  it("reports zero failed checks and zero parsing errors; every suppression carries its reason", async () => {
    const rendered = renderAll();
    expect(rendered.length).toBeGreaterThanOrEqual(100);
    const started = Date.now();
    const checkov = await ensureCheckov();
    const ready = Date.now();
    const version = spawnSync(checkov, ["--version"], { encoding: "utf8" }).stdout.trim();
    expect(version).toBe(await pinnedCheckovVersion());

    const reports = runCheckov(checkov, ["--directory", dir]);
    const cfn = reports.find((r) => r.check_type === "cloudformation");
    expect(cfn, "checkov ran no CloudFormation checks").toBeDefined();
    if (cfn === undefined) return;
    const failed = (cfn.results.failed_checks ?? []).map((f) => `${f.check_id} ${f.resource} ${f.file_path}`);
    process.stdout.write(
      `[checkov] ${version} on ${rendered.length} templates: ${JSON.stringify(cfn.summary)} ` +
        `(venv ready in ${((ready - started) / 1000).toFixed(1)} s, scan ${((Date.now() - ready) / 1000).toFixed(1)} s)\n`,
    );
    expect(failed).toEqual([]);
    expect(cfn.summary.parsing_errors).toBe(0);
    expect(cfn.summary.passed).toBeGreaterThan(rendered.length * 10);

    const skipped = cfn.results.skipped_checks ?? [];
    const unexplained = skipped.filter((s) => (s.check_result?.suppress_comment ?? "").trim().length < 20);
    expect(unexplained.map((s) => `${s.check_id} ${s.resource}`)).toEqual([]);
  }, 900_000);

  it("would catch a finding: an instance metadata service without tokens fails CKV_AWS_79", async () => {
    const checkov = await ensureCheckov();
    const template = renderAnnexStack(baseAnnex);
    const text = templateBody(template).replace('"HttpTokens":"required"', '"HttpTokens":"optional"');
    expect(text).toContain('"HttpTokens":"optional"');
    const file = join(dir, "imds-v1.json");
    writeFileSync(file, text);
    const [report] = runCheckov(checkov, ["--file", file]);
    expect((report?.results.failed_checks ?? []).map((f) => f.check_id)).toContain("CKV_AWS_79");
  }, 900_000);
});

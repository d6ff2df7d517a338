import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type BinRun, runCondorAnnex } from "../../support/condor-annex-bin.js";
import { extensionSkipReason, useEmulator } from "../../support/emulator.js";

const target = useEmulator();
const skip = extensionSkipReason(target());
const dir = mkdtempSync(join(tmpdir(), "annex-cli-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGlAcG9vbCJ9.c2lnbmF0dXJlLXBsYWNlaG9sZGVy";

function environment(): NodeJS.ProcessEnv {
  const token = join(dir, "pool.token");
  writeFileSync(token, `${TOKEN}\n`);
  chmodSync(token, 0o600);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("_CONDOR_") && !key.startsWith("AWS_")) env[key] = value;
  }
  return {
    ...env,
    CONDOR_CONFIG: "ONLY_ENV",
    AWS_ENDPOINT_URL: target().endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    _CONDOR_COLLECTOR_HOST: "cm.cli-e2e.example.org:9618",
    _CONDOR_ANNEX_TOKEN_FILE: token,
    _CONDOR_ANNEX_GAHP_LOG: join(dir, "AnnexGahpLog"),
    _CONDOR_ANNEX_DEFAULT_IMAGE_ID: "ami-0123456789abcdef0",
    _CONDOR_ANNEX_STACK_POLL_INTERVAL: "0.5",
  };
}

/** Runs the built condor-annex with `args`; stdin is not a terminal. */
function cli(...args: string[]): Promise<BinRun> {
  return runCondorAnnex(args, environment());
}

describe.skipIf(skip !== undefined)("condor-annex through the real annex-gahp on the emulator", () => {
  it("setup --check before setup: exit 3, naming the missing setup stack", async () => {
    const r = await cli("setup", "--check");
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/setup stack +FAILED +.*run setup/);
    expect(r.stdout).toMatch(/helper +OK +\$GahpVersion/);
    expect(r.stdout).toMatch(/pool token +OK +ANNEX_TOKEN_FILE/);
  });

  it("create before setup: exit 3", async () => {
    const r = await cli("create", "early", "--count", "1", "--yes");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("E_NOT_SET_UP");
  });

  it("classic -setup creates the setup stack; setup --check then passes", async () => {
    const setup = await cli("-setup");
    expect(setup.stderr).toBe("");
    expect(setup.code).toBe(0);
    expect(setup.stdout).toMatch(/^Setup stack HTCondorAnnex\S* (created|updated|unchanged)/);
    const check = await cli("setup", "--check", "--json");
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ Ok: true });
    // The setup stack is read through the helper (ANNEX_SETUP [ Check = true ]), not by the CLI.
    expect(JSON.parse(check.stdout).Checks).toContainEqual({
      Check: "setup stack",
      Ok: true,
      Detail: expect.stringMatching(/^HTCondorAnnexSetup in us-east-1: bucket \S+, Lambda arn:aws:lambda:/),
    });
  });

  it("create, status (both styles), extend, delete; exit statuses along the way", async () => {
    const refused = await cli("create", "cli-e2e", "--count", "1");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Will request 1 m6i.large on-demand instance for 8 hours.");

    const created = await cli("-annex-name", "cli-e2e", "-count", "1", "-duration", "2", "-yes");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^Annex cli-e2e created: stack HTCondorAnnex-cli-e2e CREATE_COMPLETE in us-east-1\./,
    );

    const json = await cli("status", "--json");
    expect(json.code).toBe(0);
    const annexes = (
      JSON.parse(json.stdout) as { Annexes: { Name: string; Group?: { DesiredCapacity?: number } }[] }
    ).Annexes;
    expect(annexes.map((a) => a.Name)).toEqual(["cli-e2e"]);
    expect(annexes[0]?.Group?.DesiredCapacity).toBe(1);

    const table = await cli("-status", "-annex-name", "cli-e2e");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      // No HTCondor on this machine: the IN POOL column cannot be filled, and the table says why.
      /^NAME +STATE +INSTANCES +DESIRED +IN POOL +LEASE +DEADLINE\ncli-e2e +running +\d+ +1 +\? +\S+/,
    );

    const extended = await cli("extend", "cli-e2e", "--duration", "3");
    expect(extended.code).toBe(0);
    expect(extended.stdout).toMatch(/^Annex cli-e2e: deadline moved from \S+ \S+ to \S+ \S+/);

    const deleted = await cli("delete", "--name", "cli-e2e");
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/^Annex cli-e2e deleted: stack HTCondorAnnex-cli-e2e/);

    const missing = await cli("status", "cli-e2e");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("E_NOT_FOUND");

    const invalid = await cli("create", "Bad_Name", "--yes");
    expect(invalid.code).toBe(2);
  });
});

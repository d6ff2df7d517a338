import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ClassAd } from "../../src/classad/classad.js";
import { evaluateInMatch } from "../../src/classad/match.js";
import { parseClassAd, parseExpression } from "../../src/classad/parse.js";
import { repoRoot } from "../../src/emulator/python-env.js";
import { renderCondorConfig } from "../../templates/bootstrap.js";

const samplePath = join(repoRoot, "condor-config", "annex-instance", "50-condor-annex.conf.sample");
const sample = readFileSync(samplePath, "utf8");
const bootstrap = readFileSync(join(repoRoot, "templates", "bootstrap.sh"), "utf8");

/** The lines the bootstrap appends to the rendered configuration (identity from IMDS). */
const APPENDED =
  '\n# Instance identity, from the metadata service at boot.\nEC2InstanceID = "i-0123456789abcdef0"\n' +
  "DEFAULT_MASTER_SHUTDOWN_SCRIPT = /usr/local/libexec/condor-annex-shutdown\n";

function knob(name: string): string {
  const line = sample.split("\n").find((l) => l.startsWith(`${name} = `));
  if (line === undefined) throw new Error(`${name} is not in the sample`);
  return line.slice(name.length + 3);
}

/** The slot ad an instance of the sample advertises (the attributes START reads). */
function slotAd(): ClassAd {
  const ad = new ClassAd();
  for (const [name, text] of [
    ["AnnexName", knob("AnnexName")],
    ["IsAnnex", "true"],
    ["Name", '"slot1@ip-10-0-1-5.ec2.internal"'],
    ["START", knob("START")],
  ] as const) {
    const parsed = parseExpression(text, { oldSemantics: true });
    if (!parsed.ok) throw new Error(`${name} does not parse: ${parsed.error.message}`);
    ad.set(name, parsed.value);
  }
  return ad;
}

function start(job: string): boolean | string {
  const parsed = parseClassAd(job, { oldSemantics: true });
  if (!parsed.ok) throw new Error(parsed.error.message);
  const value = evaluateInMatch(slotAd(), parsed.value, "START");
  return value.kind === "boolean" ? value.value : value.kind;
}

describe("condor-config/annex-instance sample", () => {
  it("is exactly what the bootstrap writes for its parameters", () => {
    const rendered = renderCondorConfig({
      annexName: "chem-burst",
      tokenBucket: "unused",
      tokenKey: "unused",
      collectorHost: "cm.example.org:9618",
      idleSeconds: 900,
      allowedJobOwners: ["alice", "bob"],
    });
    expect(sample).toBe(`${rendered}\n${APPENDED}`);
    // The appended lines are the bootstrap's own printf formats.
    expect(bootstrap).toContain(
      String.raw`printf '\n# Instance identity, from the metadata service at boot.\n'`,
    );
    expect(bootstrap).toContain(String.raw`printf 'EC2InstanceID = "%s"\n' "$INSTANCE_ID"`);
    expect(bootstrap).toContain(
      String.raw`printf 'DEFAULT_MASTER_SHUTDOWN_SCRIPT = %s\n' "$SHUTDOWN_SCRIPT_PATH"`,
    );
  });

  it("holds the identity, the advertised attributes, the idle shutdown and the shutdown script", () => {
    expect(knob("AnnexName")).toBe('"chem-burst"');
    expect(knob("IsAnnex")).toBe("True");
    expect(knob("STARTD_ATTRS")).toBe("$(STARTD_ATTRS) AnnexName IsAnnex EC2InstanceID");
    expect(knob("STARTD_NOCLAIM_SHUTDOWN")).toBe("900");
    expect(knob("DEFAULT_MASTER_SHUTDOWN_SCRIPT")).toBe("/usr/local/libexec/condor-annex-shutdown");
    expect(bootstrap).toContain("--should-decrement-desired-capacity");
  });

  it("START admits only the annex's jobs of the listed owners", () => {
    expect(start('[ Owner = "alice"; AnnexRequest = [ Name = "chem-burst"; MaxInstances = 4 ] ]')).toBe(true);
    expect(start('[ Owner = "bob"; TargetAnnexName = "chem-burst" ]')).toBe(true);
    expect(start('[ Owner = "alice"; AnnexRequest = [ Name = "other-annex" ] ]')).toBe(false);
    expect(start('[ Owner = "mallory"; AnnexRequest = [ Name = "chem-burst" ] ]')).toBe(false);
    expect(start('[ Owner = "alice" ]')).toBe(false);
    // A request without a Name must not match by borrowing the slot's or the job's Name.
    expect(start('[ Owner = "alice"; Name = "chem-burst"; AnnexRequest = [ MaxInstances = 4 ] ]')).toBe(
      false,
    );
  });
});

/**
 * The instance bootstrap, run for real against a fake IMDSv2 service on 127.0.0.1, with fake
 * `aws`, `iptables`/`nft`, `systemctl` and `shutdown` commands, in a temporary root directory.
 * The script's PATH holds only those fakes plus links to the few real tools it needs, so the
 * machine's own firewall, AWS credentials and services are never touched.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  bootstrapScriptPath,
  renderBootstrap,
  renderCondorConfig,
  shellQuote,
  startExpression,
} from "../../templates/bootstrap.js";
import {
  callsOf,
  createSandbox,
  type FakeImds,
  IMDS_SESSION,
  INSTANCE_ID,
  removeSandbox,
  runBootstrap as runIn,
  type Sandbox,
  startFakeImds,
} from "./bootstrap-sandbox.js";

const SESSION = IMDS_SESSION;
const TOKEN_VALUE = "eyJhbGciOiJIUzI1NiJ9.annex-test-token.signature";

const params = {
  annexName: "chem-burst",
  tokenBucket: "htcondor-annex-tokens",
  tokenKey: "tokens/chem-burst/pool.token",
  collectorHost: "cm.example.org:9618",
  idleSeconds: 900,
  allowedJobOwners: ["alice"],
};

let imds: FakeImds;
let imdsLog: FakeImds["requests"] = [];
beforeAll(async () => {
  imds = await startFakeImds();
  imdsLog = imds.requests;
});
afterAll(() => imds.close());

const sandboxes: Sandbox[] = [];
const scratch: string[] = [];
afterEach(() => {
  for (const box of sandboxes.splice(0)) removeSandbox(box);
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sandbox(fakes: Record<string, string>): Sandbox {
  const box = createSandbox(fakes);
  sandboxes.push(box);
  return box;
}
const runBootstrap = (box: Sandbox) => runIn(box, params, imds.endpoint);
const calls = callsOf;

/** The fake aws: get-object writes the token to its last argument; everything else succeeds. */
const AWS_OK = `if [ "$3" = s3api ] && [ "$4" = get-object ]; then printf '%s' ${shellQuote(TOKEN_VALUE)} >"\${@: -1}"; fi; exit 0`;

const fullFakes = {
  aws: AWS_OK,
  iptables: 'if [ "$1" = -C ]; then exit 1; fi; exit 0',
  systemctl: "exit 0",
  shutdown: "exit 0",
};

describe("instance bootstrap against a fake IMDSv2 and fake aws", () => {
  it("blocks IMDS for non-root, installs the token as root-only 0600 and writes the annex config", async () => {
    const box = sandbox(fullFakes);
    const result = await runBootstrap(box);
    expect(result.stderr).toContain("HTCondor started");
    expect(result.code).toBe(0);

    const tokenDir = join(box.root, "etc/condor/tokens.d");
    const tokenFile = join(tokenDir, "condor-annex-pool.token");
    expect(readFileSync(tokenFile, "utf8")).toBe(TOKEN_VALUE);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(tokenDir).mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect(statSync(tokenFile).uid).toBe(0);

    const config = readFileSync(join(box.root, "etc/condor/config.d/50-condor-annex.conf"), "utf8");
    expect(config).toContain('AnnexName = "chem-burst"');
    expect(config).toContain("IsAnnex = True");
    expect(config).toContain("STARTD_ATTRS = $(STARTD_ATTRS) AnnexName IsAnnex EC2InstanceID");
    expect(config).toContain(`START = ${startExpression("chem-burst", ["alice"])}`);
    expect(config).toContain("STARTD_NOCLAIM_SHUTDOWN = 900");
    expect(config).toContain("CONDOR_HOST = cm.example.org:9618");
    expect(config).toContain(`EC2InstanceID = "${INSTANCE_ID}"`);
    expect(config).toContain("DEFAULT_MASTER_SHUTDOWN_SCRIPT = /usr/local/libexec/condor-annex-shutdown");
    expect(config).not.toContain(TOKEN_VALUE);
    expect(statSync(join(box.root, "etc/condor/config.d/50-condor-annex.conf")).mode & 0o777).toBe(0o644);

    const shutdownScript = join(box.root, "usr/local/libexec/condor-annex-shutdown");
    expect(statSync(shutdownScript).mode & 0o777).toBe(0o700);
    const shutdownText = readFileSync(shutdownScript, "utf8");
    expect(shutdownText).toContain(
      "autoscaling terminate-instance-in-auto-scaling-group \\\n  --instance-id 'i-0123456789abcdef0' --should-decrement-desired-capacity",
    );
    expect(shutdownText).toContain("--region 'us-east-1'");

    const log = calls(box);
    // The firewall rule comes first, before any credential is fetched.
    expect(log[0]).toBe("iptables -C OUTPUT -d 169.254.169.254 -m owner ! --uid-owner 0 -j REJECT");
    expect(log[1]).toBe("iptables -I OUTPUT 1 -d 169.254.169.254 -m owner ! --uid-owner 0 -j REJECT");
    const getObject = log.filter((l) => l.includes("s3api get-object"));
    expect(getObject).toHaveLength(1);
    expect(getObject[0]).toMatch(
      /^aws --region us-east-1 s3api get-object --bucket htcondor-annex-tokens --key tokens\/chem-burst\/pool\.token \S+$/,
    );
    // Downloaded straight into the root-only directory, never to a world-readable place.
    expect(getObject[0]?.split(" ").at(-1)?.startsWith(`${tokenDir}/`)).toBe(true);
    expect(log.slice(-2)).toEqual(["systemctl enable condor", "systemctl restart condor"]);
    expect(log.some((l) => l.includes("terminate-instance"))).toBe(false);

    // IMDSv2: a session token first, then every read carries it.
    expect(imdsLog.length).toBeGreaterThanOrEqual(3);
    const mine = imdsLog.splice(0);
    expect(mine[0]).toMatchObject({ method: "PUT", url: "/latest/api/token" });
    for (const r of mine.slice(1)) expect(r.token).toBe(SESSION);
  });

  it("adds the firewall rule only once when run again", async () => {
    const box = sandbox({ ...fullFakes, iptables: 'if [ "$1" = -C ]; then exit 0; fi; exit 0' });
    const result = await runBootstrap(box);
    expect(result.code).toBe(0);
    expect(calls(box).filter((l) => l.startsWith("iptables"))).toEqual([
      "iptables -C OUTPUT -d 169.254.169.254 -m owner ! --uid-owner 0 -j REJECT",
    ]);
    imdsLog.splice(0);
  });

  it("uses nft when iptables is absent", async () => {
    const { iptables: _unused, ...withoutIptables } = fullFakes;
    const box = sandbox({
      ...withoutIptables,
      nft: 'if [ "$1" = list ]; then exit 1; fi; cat >/dev/null; exit 0',
    });
    const result = await runBootstrap(box);
    expect(result.code).toBe(0);
    expect(calls(box).slice(0, 2)).toEqual(["nft list table inet condor_annex", "nft -f -"]);
    imdsLog.splice(0);
  });

  it("refuses to start HTCondor when the metadata service cannot be blocked, and leaves its group", async () => {
    const box = sandbox({ ...fullFakes, iptables: "exit 3" });
    // (the fake aws also answers the terminate call)
    const result = await runBootstrap(box);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("refusing to run jobs with the metadata service open");
    const log = calls(box);
    expect(log.some((l) => l.startsWith("systemctl"))).toBe(false);
    expect(log.some((l) => l.includes("s3api get-object"))).toBe(false);
    expect(log).toContain(
      `aws --region us-east-1 autoscaling terminate-instance-in-auto-scaling-group --instance-id ${INSTANCE_ID} --should-decrement-desired-capacity`,
    );
    expect(log).not.toContain("shutdown -h now");
    imdsLog.splice(0);
  });

  it("leaves its group (decrementing the desired capacity) when the token cannot be fetched", async () => {
    const box = sandbox({
      ...fullFakes,
      aws: 'if [ "$3" = s3api ]; then echo "An error occurred (AccessDenied)" >&2; exit 255; fi; exit 0',
    });
    const result = await runBootstrap(box);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot fetch s3://htcondor-annex-tokens/tokens/chem-burst/pool.token");
    const log = calls(box);
    expect(log.filter((l) => l.includes("s3api get-object"))).toHaveLength(6);
    expect(log).toContain(
      `aws --region us-east-1 autoscaling terminate-instance-in-auto-scaling-group --instance-id ${INSTANCE_ID} --should-decrement-desired-capacity`,
    );
    expect(log.some((l) => l.startsWith("systemctl"))).toBe(false);
    expect(existsSync(join(box.root, "etc/condor/tokens.d/condor-annex-pool.token"))).toBe(false);
    imdsLog.splice(0);
  });

  it("treats an empty token object as a failure", async () => {
    const box = sandbox({ ...fullFakes, aws: `if [ "$4" = get-object ]; then : >"\${@: -1}"; fi; exit 0` });
    const result = await runBootstrap(box);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the token object is empty");
    imdsLog.splice(0);
  });
});

describe("bootstrap rendering", () => {
  it("quotes parameters so no value can break out of its shell string", () => {
    const hostile = renderCondorConfig({ ...params, extraCondorConfig: "X = '$(touch /tmp/pwned)' `id`" });
    const script = renderBootstrap({ ...params, extraCondorConfig: "X = '$(touch /tmp/pwned)' `id`" });
    expect(script).toContain(`CONDOR_CONFIG=${shellQuote(hostile)}`);
    const echoed = spawnSync("bash", ["-c", `V=${shellQuote(hostile)}; printf '%s' "$V"`], {
      encoding: "utf8",
    });
    expect(echoed.stdout).toBe(hostile);
  });

  it("keeps the user data well under EC2's 16 KB limit", () => {
    expect(
      Buffer.byteLength(renderBootstrap({ ...params, extraCondorConfig: "A = 1\n".repeat(100) })),
    ).toBeLessThan(12_000);
  });

  it("restricts START to the annex's jobs, and to the listed owners when given", () => {
    expect(startExpression("x")).toBe(
      '(TARGET.AnnexRequest["Name"] =?= "x" || TARGET.TargetAnnexName =?= "x")',
    );
    expect(startExpression("x", ["a", "b"])).toBe(
      '(TARGET.AnnexRequest["Name"] =?= "x" || TARGET.TargetAnnexName =?= "x") && stringListMember(TARGET.Owner, "a,b")',
    );
  });
});

describe("shellcheck", () => {
  const available = spawnSync("shellcheck", ["--version"]).status === 0;
  if (!available) {
    console.warn(
      "SKIPPED: shellcheck is not installed (Debian: apt-get install -y shellcheck); the bootstrap was NOT checked",
    );
  }
  it.skipIf(!available)("finds nothing in the bootstrap source or in a rendered bootstrap", () => {
    const dir = mkdtempSync(join(tmpdir(), "annex-shellcheck-"));
    scratch.push(dir);
    const rendered = join(dir, "rendered.sh");
    writeFileSync(rendered, renderBootstrap({ ...params, extraCondorConfig: "NUM_SLOTS = 1" }));
    const result = spawnSync(
      "shellcheck",
      ["--shell=bash", "--severity=style", bootstrapScriptPath(), rendered],
      {
        encoding: "utf8",
      },
    );
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("bootstrap without a usable aws command", () => {
  it("powers off when it cannot even leave its group", async () => {
    const box = sandbox({ ...fullFakes, aws: "exit 127" });
    const result = await runBootstrap(box);
    expect(result.code).toBe(1);
    expect(calls(box)).toContain("shutdown -h now");
    imdsLog.splice(0);
  });
});

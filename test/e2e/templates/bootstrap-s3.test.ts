/**
 * The instance bootstrap with the real AWS CLI against the emulator's S3: the token object the
 * helper would upload is fetched by the exact command line the bootstrap runs on an instance,
 * installed root-only, and HTCondor is configured. Firewall, systemd and shutdown are fakes and
 * the metadata service is a fake IMDSv2 on 127.0.0.1 (a VM is out of reach here).
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../../templates/bootstrap.js";
import { tokenObjectKey } from "../../../templates/constants.js";
import { awsClients } from "../../support/aws-clients.js";
import { extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { ensurePythonEnv } from "../../support/python-env.js";
import {
  addFake,
  callsOf,
  createSandbox,
  type FakeImds,
  INSTANCE_ID,
  removeSandbox,
  runBootstrap,
  type Sandbox,
  startFakeImds,
} from "../../templates/bootstrap-sandbox.js";

const target = useEmulator();
/** The AWS CLI: next to the harness's pinned Python (when its requirements carry awscli), else on PATH. */
async function findAwsCli(): Promise<string> {
  try {
    const { python } = await ensurePythonEnv();
    const beside = join(dirname(python), "aws");
    if (python.includes("/") && existsSync(beside)) return beside;
  } catch {
    // fall through to PATH
  }
  return spawnSync("bash", ["-c", "command -v aws"], { encoding: "utf8" }).stdout.trim();
}
const awsCli = await findAwsCli();
const cliWorks = awsCli.length > 0 && spawnSync(awsCli, ["--version"]).status === 0;
const skip =
  extensionSkipReason(target()) ??
  (cliWorks ? undefined : "the AWS CLI is not installed (the bootstrap's AMI requirement)");
if (skip !== undefined) console.warn(`[bootstrap-s3] SKIPPED: ${skip}`);

describe.skipIf(skip !== undefined)("bootstrap with the real AWS CLI against the emulator's S3", () => {
  const aws = awsClients(target());
  const suffix = randomUUID().slice(0, 8);
  const bucket = `annex-bootstrap-${suffix}`;
  const annexName = `boot-${suffix}`;
  const token = `eyJhbGciOiJIUzI1NiJ9.${suffix}.sig`;
  let imds: FakeImds;
  const boxes: Sandbox[] = [];

  beforeAll(async () => {
    imds = await startFakeImds();
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    await imds.close();
    aws.destroy();
  });
  afterEach(() => {
    for (const box of boxes.splice(0)) removeSandbox(box);
  });

  function sandbox(): Sandbox {
    const box = createSandbox({ iptables: 'if [ "$1" = -C ]; then exit 1; fi', systemctl: "", shutdown: "" });
    // The real CLI, logged, run with the test's full PATH (it is a Python program).
    addFake(box, "aws", `PATH=${shellQuote(process.env.PATH ?? "")} exec ${shellQuote(awsCli)} "$@"`);
    boxes.push(box);
    return box;
  }

  const env = () => ({
    AWS_ENDPOINT_URL: target().endpoint ?? "",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    HOME: "/nonexistent",
  });

  const params = (key: string) => ({
    annexName,
    tokenBucket: bucket,
    tokenKey: key,
    collectorHost: "cm.example.org",
    idleSeconds: 600,
  });

  it("fetches the token object and installs it root-only, then configures and starts HTCondor", async () => {
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: tokenObjectKey(annexName),
        Body: token,
        ServerSideEncryption: "AES256",
      }),
    );
    const box = sandbox();
    const result = await runBootstrap(box, params(tokenObjectKey(annexName)), imds.endpoint, env());
    expect(result.stderr).toContain("HTCondor started");
    expect(result.code).toBe(0);
    const tokenFile = join(box.root, "etc/condor/tokens.d/condor-annex-pool.token");
    expect(readFileSync(tokenFile, "utf8")).toBe(token);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const config = readFileSync(join(box.root, "etc/condor/config.d/50-condor-annex.conf"), "utf8");
    expect(config).toContain(`AnnexName = "${annexName}"`);
    expect(config).toContain(`EC2InstanceID = "${INSTANCE_ID}"`);
    expect(callsOf(box).filter((c) => c.startsWith("aws "))).toHaveLength(1);
    expect(callsOf(box).slice(-2)).toEqual(["systemctl enable condor", "systemctl restart condor"]);
  }, 60_000);

  it("gives up on a missing token after its retries and leaves the group instead of starting HTCondor", async () => {
    const box = sandbox();
    const result = await runBootstrap(box, params(`tokens/${annexName}/missing.token`), imds.endpoint, env());
    expect(result.code).toBe(1);
    const calls = callsOf(box);
    expect(calls.filter((c) => c.includes("s3api get-object"))).toHaveLength(6);
    expect(calls.some((c) => c.includes("terminate-instance-in-auto-scaling-group"))).toBe(true);
    expect(calls.some((c) => c.startsWith("systemctl"))).toBe(false);
  }, 120_000);
});

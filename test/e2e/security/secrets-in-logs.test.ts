/**
 * Secrets never reach a log: a full lifecycle — setup, create, status, extend, list, the lease
 * Lambda ending an annex (alarm → SNS → Lambda) and a sweep, and the condor-annex CLI's status
 * and delete — runs with a random pool token and a random AWS secret key, with annex-gahp's
 * full debug logging (every protocol line in and out). Afterwards the helper's log file, the
 * CLI's stdout and stderr, the Lambda's log output and the emulator's server log are searched
 * for the token and the secret: neither appears anywhere, though the token demonstrably went to
 * the bucket and the logs demonstrably describe the lifecycle.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenObjectKey } from "../../../src/annex/index.js";
import { spawnGahpServer } from "../../../src/cli/gahp-server-process.js";
import type { GahpClient } from "../../../src/gahp/client.js";
import { TEST_REGION } from "../../support/aws-clients.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { repoRoot } from "../../support/python-env.js";
import { GAHP_BIN, leaseZipFile, POOL_A } from "../gahp-annex/gahp-helper.js";

const target = useEmulator();
const skip = extensionSkipReason(target());

/** A JWT-shaped token and an AWS-shaped key pair, random for this run (so a match is no accident). */
const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString("base64url")}.${randomBytes(32).toString("base64url")}`;
const ACCESS_KEY_ID = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
const SECRET_ACCESS_KEY = randomBytes(30).toString("base64");

describe.skipIf(skip !== undefined)("no log holds the pool token or the AWS secret key", () => {
  const dir = mkdtempSync(join(tmpdir(), "annex-secrets-"));
  const tokenPath = join(dir, "pool.token");
  const logPath = join(dir, "AnnexGahpLog");
  let zip: { path: string; cleanup: () => void };
  let env: NodeJS.ProcessEnv;
  let gahp: GahpClient;
  const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };
  const outputs: { source: string; text: string }[] = [];
  let bucket = "";
  let leaseFunctionArn = "";

  async function ok(command: string, ad: string): Promise<string> {
    const fields = await gahp.call(command, [ad], { timeoutMs: 300_000 });
    if (fields[0] !== "0") throw new Error(`${command} failed: ${fields.join(" ")}`);
    return fields[1] ?? "";
  }

  function attribute(ad: string, name: string): string {
    return new RegExp(`${name} = "([^"]*)"`).exec(ad)?.[1] ?? "";
  }

  beforeAll(async () => {
    writeFileSync(tokenPath, `${TOKEN}\n`);
    chmodSync(tokenPath, 0o600);
    zip = await leaseZipFile();
    const knobs: Record<string, string> = {
      ANNEX_GAHP_LOG: logPath,
      ANNEX_GAHP_DEBUG: "D_FULLDEBUG",
      ANNEX_POOL: POOL_A,
      ANNEX_COLLECTOR: POOL_A,
      ANNEX_TOKEN_FILE: tokenPath,
      ANNEX_DEFAULT_AWS_REGION: TEST_REGION,
      ANNEX_DEFAULT_IMAGE_ID: "ami-0123456789abcdef0",
      ANNEX_STACK_POLL_INTERVAL: "0.25",
      ANNEX_LEASE_FUNCTION_ZIP: zip.path,
      ANNEX_LEASE_ALARM_PERIOD: "10",
    };
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CONDOR_CONFIG: "/dev/null",
      AWS_REGION: TEST_REGION,
      AWS_ENDPOINT_URL: target().endpoint,
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      ...Object.fromEntries(Object.entries(knobs).map(([name, value]) => [`_CONDOR_${name}`, value])),
    };
    gahp = await spawnGahpServer(process.execPath, [GAHP_BIN], { env, callTimeoutMs: 300_000 });
  }, 120_000);

  afterAll(async () => {
    await gahp?.quit().catch(() => {});
    zip?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the lifecycle with the token in play", async () => {
    const setup = await ok("ANNEX_SETUP", "[]");
    bucket = attribute(setup, "TokenBucket");
    leaseFunctionArn = attribute(setup, "LeaseFunctionArn");
    const request =
      '[ Name = "secretive"; InstanceTypes = { "m6i.large" }; MaxInstances = 2; Count = 1; LeaseMinutes = 2 ]';
    await ok("ANNEX_CREATE", request);
    await ok("ANNEX_CREATE", request.replace("Count = 1", "Count = 2")); // adopt: the token is uploaded again
    await ok("ANNEX_STATUS", '[ Name = "secretive" ]');
    await ok("ANNEX_EXTEND", '[ Name = "secretive"; Hours = 1 ]');
    await ok("ANNEX_LIST", "[]");
    await ok("ANNEX_CREATE", request.replaceAll("secretive", "leased"));

    // The token really went to the bucket (so its absence from the logs means something).
    const s3 = new S3Client({
      region: TEST_REGION,
      endpoint: target().endpoint,
      credentials,
      forcePathStyle: true,
    });
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: tokenObjectKey("secretive") }));
    expect(await object.Body?.transformToString()).toBe(TOKEN);
    s3.destroy();

    // The CLI, as people use it: its own annex-gahp, its own output.
    for (const args of [["status"], ["status", "--json"], ["delete", "secretive"]]) {
      const cli = spawnSync(process.execPath, [join(repoRoot, "bin", "condor-annex.js"), ...args], {
        env,
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(cli.status, `condor-annex ${args.join(" ")}: ${cli.stderr}`).toBe(0);
      outputs.push({ source: `condor-annex ${args.join(" ")}`, text: `${cli.stdout}\n${cli.stderr}` });
    }

    // The lease Lambda ends "leased" (no heartbeats: alarm → SNS → Lambda), then a sweep runs
    // with its log tail returned.
    await advanceEmulator(target().endpoint ?? "", 150);
    await advanceEmulator(target().endpoint ?? "", 150);
    const lambda = new LambdaClient({ region: TEST_REGION, endpoint: target().endpoint, credentials });
    const sweep = await lambda.send(
      new InvokeCommand({
        FunctionName: leaseFunctionArn,
        LogType: "Tail",
        Payload: Buffer.from(JSON.stringify({ action: "sweep" })),
      }),
    );
    lambda.destroy();
    outputs.push({
      source: "lease Lambda (sweep) log tail",
      text: Buffer.from(sweep.LogResult ?? "", "base64").toString("utf8"),
    });
    expect(await ok("ANNEX_LIST", "[]")).not.toContain("leased");
  }, 600_000);

  it("the helper's log, the CLI's output, the Lambda's output and the emulator's log hold neither secret", () => {
    outputs.push({ source: "annex-gahp log", text: readFileSync(logPath, "utf8") });
    const serverLog = target().logFile;
    if (serverLog !== undefined && existsSync(serverLog)) {
      outputs.push({ source: "emulator log (incl. Lambda output)", text: readFileSync(serverLog, "utf8") });
    }
    const gahpLog = outputs.find((o) => o.source === "annex-gahp log")?.text ?? "";
    // Not vacuous: full debug logged the lifecycle's protocol lines and the create.
    expect(gahpLog).toContain("ANNEX_CREATE");
    expect(gahpLog).toMatch(/secretive/);
    expect(outputs.find((o) => o.source.includes("Lambda"))?.text ?? "").toMatch(/sweep/);

    const tokenParts = TOKEN.split(".").slice(1); // the random parts, which no log may carry either
    const leaks = outputs.flatMap(({ source, text }) =>
      [
        text.includes(TOKEN) ? "the token" : undefined,
        ...tokenParts.map((part) => (text.includes(part) ? "part of the token" : undefined)),
        text.includes(SECRET_ACCESS_KEY) ? "the AWS secret key" : undefined,
      ]
        .filter((what) => what !== undefined)
        .map((what) => `${source}: ${what}`),
    );
    process.stdout.write(
      `[secrets] searched ${outputs.length} outputs (${outputs.map((o) => `${o.source} ${o.text.length} B`).join(", ")}): ${leaks.length} leaks\n`,
    );
    expect(leaks).toEqual([]);
  });
});

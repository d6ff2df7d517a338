/**
 * The real annex-gahp process for the protocol-path end-to-end tests: spawned from `bin/`
 * (dist, built by `npm test`) through `GahpClient`, with the emulator's endpoint and test
 * credentials passed explicitly in its environment, and its knobs as `_CONDOR_*` variables.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLeaseLambdaZip } from "../../../lambdas/build.js";
import type { ClassAd } from "../../../src/classad/classad.js";
import { Evaluator, evaluateAttribute } from "../../../src/classad/evaluate.js";
import { parseClassAd } from "../../../src/classad/parse.js";
import type { Value } from "../../../src/classad/value.js";
import { spawnGahpServer } from "../../../src/cli/gahp-server-process.js";
import type { GahpClient } from "../../../src/gahp/client.js";
import { TEST_CREDENTIALS, TEST_REGION } from "../../support/aws-clients.js";
import type { AwsTarget } from "../../support/emulator.js";
import { repoRoot } from "../../support/python-env.js";

export { FAKE_TOKEN, POOL_A, POOL_B, tokenFile } from "../annex/fixture.js";

export const GAHP_BIN = join(repoRoot, "bin", "annex-gahp.js");

/** A plain JavaScript form of a ClassAd value (for assertions). */
export type Plain = string | number | boolean | null | Plain[] | { [name: string]: Plain };

/** Converts a value: integers and reals to numbers, lists to arrays, ads to objects. */
export function plainOf(value: Value): Plain {
  switch (value.kind) {
    case "string":
    case "boolean":
      return value.value;
    case "integer":
      return Number(value.value);
    case "real":
      return value.value;
    case "list":
      return value.items.map((item) => plainOf(new Evaluator().evaluate(item, value.scope)));
    case "classad":
      return adToPlain(value.ad);
    default:
      return null;
  }
}

/** A whole ad as an object (attribute names as written). */
export function adToPlain(ad: ClassAd): { [name: string]: Plain } {
  const out: { [name: string]: Plain } = {};
  for (const attribute of ad.attributes())
    out[attribute.name] = plainOf(evaluateAttribute(ad, attribute.name));
  return out;
}

/** The outcome of an annex command. */
export type CommandResult =
  | { readonly ok: true; readonly ad: { [name: string]: Plain }; readonly text: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** A running helper. */
export interface AnnexGahp {
  readonly client: GahpClient;
  readonly logPath: string;
  /** Sends `<command> <reqid> <ad>` and waits for its result. */
  call(command: string, ad: string, timeoutMs?: number): Promise<CommandResult>;
  /** Like call, but fails the test on an error result. */
  ok(command: string, ad: string, timeoutMs?: number): Promise<{ [name: string]: Plain }>;
  /** The helper's log so far. */
  log(): string;
  /** QUIT, and wait for the exit. */
  stop(): Promise<void>;
}

/** Options of {@link startAnnexGahp}. */
export interface AnnexGahpOptions {
  readonly pool: string;
  readonly tokenPath: string;
  readonly leaseZipPath?: string;
  /** More `_CONDOR_*` knobs (names without the prefix). */
  readonly knobs?: Readonly<Record<string, string>>;
}

/** Starts annex-gahp against `target`. */
export async function startAnnexGahp(target: AwsTarget, options: AnnexGahpOptions): Promise<AnnexGahp> {
  const dir = mkdtempSync(join(tmpdir(), "annex-gahp-e2e-"));
  const logPath = join(dir, "AnnexGahpLog");
  const knobs: Record<string, string> = {
    ANNEX_GAHP_LOG: logPath,
    ANNEX_GAHP_DEBUG: "D_FULLDEBUG",
    ANNEX_POOL: options.pool,
    ANNEX_COLLECTOR: options.pool,
    ANNEX_TOKEN_FILE: options.tokenPath,
    ANNEX_DEFAULT_AWS_REGION: TEST_REGION,
    ANNEX_DEFAULT_IMAGE_ID: "ami-0123456789abcdef0",
    ANNEX_STACK_POLL_INTERVAL: "0.25",
    ...(options.leaseZipPath === undefined ? {} : { ANNEX_LEASE_FUNCTION_ZIP: options.leaseZipPath }),
    ...options.knobs,
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // No condor_config_val lookups on a developer machine with HTCondor: knobs come from here.
    CONDOR_CONFIG: "/dev/null",
    AWS_REGION: TEST_REGION,
    ...(target.endpoint === undefined ? {} : { AWS_ENDPOINT_URL: target.endpoint }),
    ...(target.kind === "real-aws"
      ? {}
      : {
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        }),
    ...Object.fromEntries(Object.entries(knobs).map(([name, value]) => [`_CONDOR_${name}`, value])),
  };
  const client = await spawnGahpServer(process.execPath, [GAHP_BIN], { env, callTimeoutMs: 120_000 });
  const call = async (command: string, ad: string, timeoutMs?: number): Promise<CommandResult> => {
    const fields = await client.call(command, [ad], timeoutMs === undefined ? {} : { timeoutMs });
    if (fields[0] === "0") {
      const text = fields[1] ?? "";
      const parsed = parseClassAd(text);
      if (!parsed.ok) throw new Error(`${command} returned an unparsable ad: ${text}`);
      return { ok: true, ad: adToPlain(parsed.value), text };
    }
    return { ok: false, code: fields[1] ?? "", message: fields[2] ?? "" };
  };
  return {
    client,
    logPath,
    call,
    async ok(command, ad, timeoutMs) {
      const result = await call(command, ad, timeoutMs);
      if (!result.ok) throw new Error(`${command} failed: ${result.code} ${result.message}`);
      return result.ad;
    },
    log: () => {
      try {
        return readFileSync(logPath, "utf8");
      } catch {
        return "";
      }
    },
    async stop() {
      await client.quit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real lease Lambda zip in a temporary file (ANNEX_LEASE_FUNCTION_ZIP); `cleanup()` removes it. */
export async function leaseZipFile(): Promise<{ path: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "annex-lease-zip-"));
  const path = join(dir, "lease.zip");
  writeFileSync(path, await buildLeaseLambdaZip());
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A job ad text for ANNEX_JOBS. */
export function jobAd(
  cluster: number,
  proc: number,
  request: string,
  extra: Readonly<Record<string, string>> = {},
): string {
  const attributes: Record<string, string> = {
    ClusterId: String(cluster),
    ProcId: String(proc),
    JobStatus: "1",
    Owner: '"alice"',
    RequestCpus: "1",
    RequestMemory: "1024",
    Requirements: 'TARGET.OpSys == "LINUX" && TARGET.Arch == "X86_64"',
    AnnexRequest: request,
    ...extra,
  };
  return `[ ${Object.entries(attributes)
    .map(([name, value]) => `${name} = ${value}`)
    .join("; ")} ]`;
}

/** The argument of ANNEX_JOBS for these job ads, read now (or at `snapshotTime`). */
export function snapshot(jobs: readonly string[], snapshotTime = Math.floor(Date.now() / 1000)): string {
  return `[ Jobs = { ${jobs.join(", ")} }; SnapshotTime = ${snapshotTime} ]`;
}

/**
 * Shared set-up of the annex end-to-end tests: an {@link AnnexOperations} bound to the e2e
 * target (the emulator the global setup started), a private pool-token file, and a lease
 * Lambda zip for setup.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import type { AnnexDefaults, RequestInput } from "../../../src/annex/index.js";
import { AnnexOperations, parseAnnexRequest } from "../../../src/annex/index.js";
import { ApiCallCounter, AwsAnnexCloud, AwsClients } from "../../../src/aws/index.js";
import { TEST_DEFAULTS } from "../../annex/support.js";
import { clientConfig } from "../../support/aws-clients.js";
import type { AwsTarget } from "../../support/emulator.js";

export const POOL_A = "cm.pool-a.example.org:9618";
export const POOL_B = "cm.pool-b.example.org:9618";

/** A JWT-shaped stand-in for an HTCondor IDTOKEN. */
export const FAKE_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm5leEBwb29sIn0.c2lnbmF0dXJlLXBsYWNlaG9sZGVy";

export const DEFAULTS: AnnexDefaults = { ...TEST_DEFAULTS, collectorHost: POOL_A };

/**
 * The lease Lambda zip setup uploads. The real bundle (lambdas/) is exercised by the lease e2e
 * test; these tests only need setup to create the function from a zip in the bucket.
 */
export function leaseZipForSetup(): Uint8Array {
  return zipSync({ "index.mjs": strToU8("export const handler = async () => ({ ok: true });\n") });
}

/** A directory with a private (0600) token file; `cleanup()` removes it. */
export function tokenFile(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "annex-token-"));
  const path = join(dir, "pool.token");
  writeFileSync(path, `${FAKE_TOKEN}\n`);
  chmodSync(path, 0o600);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh helper for `pool` (what a restarted annex-gahp would build), counting its API calls. */
export function helper(
  target: AwsTarget,
  pool: string,
  tokenPath: string,
): { ops: AnnexOperations; counter: ApiCallCounter; clients: AwsClients } {
  const config = clientConfig(target);
  const counter = new ApiCallCounter();
  const clients = new AwsClients({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    callCounter: counter,
  });
  const ops = new AnnexOperations({
    cloud: new AwsAnnexCloud(clients),
    defaults: { ...DEFAULTS, collectorHost: pool },
    pool,
    tokenSource: { kind: "file", path: tokenPath },
    polling: { intervalMs: 250, timeoutMs: 60_000 },
  });
  return { ops, counter, clients };
}

/** A validated request with the test defaults. */
export function request(input: RequestInput, pool = POOL_A) {
  return parseAnnexRequest(input, { ...DEFAULTS, collectorHost: pool });
}

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The lease Lambda's deployment package. It is built once, when the package is made
 * (`npm pack` → `prepack`, and `prepare` in a checkout: `lambdas/build.ts` bundles the handler
 * with esbuild into `dist/lease-lambda.zip`), and shipped: setup uploads those bytes, so every
 * site deploys the same code and needs no bundler (esbuild is a development dependency).
 * `ANNEX_LEASE_FUNCTION_ZIP` or `LeaseFunctionZip` name another zip.
 */

/** The package's file name under `dist/`. */
export const LEASE_ZIP_NAME = "lease-lambda.zip";

/** `dist/lease-lambda.zip` of the installation this module belongs to, if it was built. */
export function shippedLeaseZipPath(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "dist", LEASE_ZIP_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The package to deploy: the shipped zip, else (a checkout never built) one bundled now. */
export async function leaseLambdaZip(): Promise<{ readonly bytes: Uint8Array; readonly source: string }> {
  const shipped = shippedLeaseZipPath();
  if (shipped !== undefined) return { bytes: new Uint8Array(await readFile(shipped)), source: shipped };
  let build: typeof import("../../lambdas/build.js");
  try {
    build = await import("../../lambdas/build.js");
    return { bytes: await build.buildLeaseLambdaZip(), source: "bundled now (no dist/lease-lambda.zip)" };
  } catch (error) {
    throw new Error(
      `the lease Lambda package ${LEASE_ZIP_NAME} is missing from this installation and cannot be bundled here ` +
        `(${error instanceof Error ? error.message : String(error)}); reinstall condor-annex, or set ANNEX_LEASE_FUNCTION_ZIP`,
    );
  }
}

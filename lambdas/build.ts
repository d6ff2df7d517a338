/**
 * Builds the lease Lambda's deployment package: lambdas/lease/handler.ts bundled by esbuild
 * (with the AWS SDK clients it uses, so the package does not depend on the runtime's copy) into
 * one CommonJS `index.js`, zipped with a `package.json` that pins the module type.
 *
 * Setup calls {@link buildLeaseLambdaZip}, uploads the bytes to `leaseCodeKey(sha256)` in the
 * token bucket and points the setup stack at it. The zip is deterministic (fixed timestamps), so
 * an unchanged handler keeps its key and re-running setup changes nothing.
 * Run directly (`node scripts/run-ts.mjs lambdas/build.ts [out.zip]`) it writes the zip to a file.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { zipSync } from "fflate";

/** Handler setting of the function: `index.handler`. */
export const LEASE_HANDLER = "index.handler";

/** Path of the handler's source, found next to this module or in a `lambdas/` above it (bundles, dist/). */
export function leaseHandlerSource(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "lease", "handler.ts")];
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, "lambdas", "lease", "handler.ts"));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`lambdas/lease/handler.ts not found near ${here}`);
  return found;
}

/** Bundles the handler into one CommonJS file. */
export async function bundleLeaseHandler(): Promise<Uint8Array> {
  // Imported lazily: only setup (and tests) need esbuild, not every importer of this module.
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [leaseHandlerSource()],
    bundle: true,
    platform: "node",
    // nodejs24.x in AWS; the emulator runs the same bundle on the local Node (>= 20).
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output for the lease handler");
  return file.contents;
}

/** Fixed local timestamp (ZIP stores local DOS time) so identical inputs give identical bytes. */
const ZIP_TIME = new Date(2020, 0, 1, 0, 0, 0);
/** Unix file mode 0644 in the external attributes: the Lambda runtime user must read the files. */
const UNIX_FILE = { os: 3, attrs: 0o100644 << 16, mtime: ZIP_TIME, level: 9 } as const;

/** The deployment package of the lease Lambda (zip bytes). */
export async function buildLeaseLambdaZip(): Promise<Uint8Array> {
  const bundle = await bundleLeaseHandler();
  const manifest = new TextEncoder().encode(`${JSON.stringify({ type: "commonjs", private: true })}\n`);
  return zipSync({ "index.js": [bundle, UNIX_FILE], "package.json": [manifest, UNIX_FILE] });
}

/** Hex SHA-256 of a package, for `leaseCodeKey()`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? "lambdas/dist/lease.zip");
  const zip = await buildLeaseLambdaZip();
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, zip);
  process.stdout.write(`${out}: ${zip.byteLength} bytes, sha256 ${sha256Hex(zip)}\n`);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

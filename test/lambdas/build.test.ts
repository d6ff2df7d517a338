/**
 * The lease Lambda's deployment package: a deterministic zip holding one bundled CommonJS
 * index.js (handler `index.handler`, no runtime dependencies) and a package.json pinning the
 * module type, with files readable by the runtime's user.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { buildLeaseLambdaZip, LEASE_HANDLER, sha256Hex } from "../../lambdas/build.js";

const dir = mkdtempSync(join(tmpdir(), "annex-lambda-zip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("buildLeaseLambdaZip", () => {
  it("zips one self-contained CommonJS bundle whose handler answers, identically on every build", async () => {
    const zip = await buildLeaseLambdaZip();
    const again = await buildLeaseLambdaZip();
    expect(sha256Hex(again)).toBe(sha256Hex(zip));
    expect(zip.byteLength).toBeLessThan(5_000_000);

    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(["index.js", "package.json"]);
    expect(JSON.parse(new TextDecoder().decode(files["package.json"]))).toEqual({
      type: "commonjs",
      private: true,
    });
    expect(LEASE_HANDLER).toBe("index.handler");

    // Extracted outside the repository (no node_modules to lean on), it loads and handles an event.
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const probe = spawnSync(
      process.execPath,
      [
        "-e",
        `const m = require(${JSON.stringify(join(dir, "index.js"))});
         m.handler({ nonsense: true }).then(() => process.exit(3), (e) => { process.stdout.write("REJECTED " + e.message); });`,
      ],
      { encoding: "utf8", cwd: dir, env: { PATH: process.env.PATH ?? "" } },
    );
    expect(probe.status).toBe(0);
    expect(probe.stdout).toContain("REJECTED unrecognised event");
  }, 60_000);

  it("records Unix mode 0644 for its files so the runtime user can read them", async () => {
    const zip = await buildLeaseLambdaZip();
    // Central directory entries: signature 0x02014b50; "version made by" high byte = 3 (Unix);
    // external attributes (offset 38) hold the mode in the upper 16 bits.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const modes: number[] = [];
    for (let i = 0; i + 46 <= zip.byteLength; i++) {
      if (view.getUint32(i, true) === 0x02014b50) {
        expect(view.getUint8(i + 5)).toBe(3);
        modes.push(view.getUint32(i + 38, true) >>> 16);
      }
    }
    expect(modes).toEqual([0o100644, 0o100644]);
  }, 60_000);
});

/**
 * The layers the README's picture shows: the annex engine (src/annex) reaches the cloud only
 * through its AnnexCloud port, implemented once in src/aws. The lint config enforces it; this
 * test keeps the rule in place (a probe through biome's stdin) and the tree clean.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Lints one probe file at `path` under a scratch copy of the project's biome.json (the real tree is
 * never written to; biome reports no diagnostics for stdin).
 */
function lint(path: string, text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "annex-layering-"));
  try {
    const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
    delete config.$schema;
    config.vcs = { enabled: false };
    writeFileSync(join(dir, "biome.json"), JSON.stringify(config));
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    const biome = join(root, "node_modules", ".bin", "biome");
    const run = spawnSync(biome, ["lint", path], { cwd: dir, encoding: "utf8" });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the annex engine's dependencies", () => {
  it("no file under src/annex imports the AWS SDK", () => {
    const offenders = sources("src/annex").filter((file) =>
      /["']@aws-sdk\//.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("lint refuses an SDK import under src/annex, static or dynamic, and allows it in src/aws", () => {
    const probe = 'import type { Stack } from "@aws-sdk/client-cloudformation";\nexport type S = Stack;\n';
    const inEngine = lint("src/annex/probe.ts", probe);
    expect(inEngine.status).not.toBe(0);
    expect(inEngine.output).toContain("AnnexCloud port");
    const dynamic = lint(
      "src/annex/demand/probe.ts",
      'export const sdk = () => import("@aws-sdk/client-ec2");\n',
    );
    expect(dynamic.status).not.toBe(0);
    expect(lint("src/aws/probe.ts", probe).status).toBe(0);
  });
});

/** The relative imports of every module under `dir`, resolved to repository paths. */
function importsOf(dir: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const file of sources(dir)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const specifier = match[1] ?? "";
      found.push({ file: relative(root, file), target: relative(root, join(dirname(file), specifier)) });
    }
  }
  return found;
}

describe("the layout by process", () => {
  it("the helper (src/annex-gahp) and condor-annex (src/cli) share code only through the layers below", () => {
    // The scan sees the imports it judges (cli/ → gahp-server-process's import of the client).
    expect(importsOf("src/cli")).toContainEqual({
      file: "src/cli/gahp-server-process.ts",
      target: "src/gahp/client.js",
    });
    expect(importsOf("src/annex-gahp").filter(({ target }) => target.startsWith("src/cli/"))).toEqual([]);
    expect(importsOf("src/cli").filter(({ target }) => target.startsWith("src/annex-gahp/"))).toEqual([]);
  });

  it("the engine and the protocol know neither process", () => {
    for (const dir of ["src/annex", "src/gahp", "src/classad", "src/aws", "src/condor"]) {
      const upward = importsOf(dir).filter(({ target }) => /^src\/(cli|annex-gahp)\//.test(target));
      expect(upward, dir).toEqual([]);
    }
  });

  it("the protocol spawns nothing: processes are started by their users", () => {
    const spawning = sources("src/gahp").filter((file) =>
      /^import (?!type)[^;]*from "node:child_process"/m.test(readFileSync(file, "utf8")),
    );
    expect(spawning).toEqual([]);
  });
});

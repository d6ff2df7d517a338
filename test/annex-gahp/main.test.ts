import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadClassAdCodec, resolveSettings } from "../../src/annex-gahp/main.js";
import { classAdCommand } from "../../src/gahp/classad-command.js";
import { parseGahpLaunchArgs } from "../../src/gahp/launch-options.js";
import { condorVersionString } from "../../src/version.js";
import { ServerHarness } from "../gahp/harness.js";

describe("annex-gahp settings", () => {
  it("takes the log file from -f first, then _CONDOR_<SUBSYS>_LOG, then -l, then _CONDOR_LOG", () => {
    const env = { _CONDOR_ANNEX_GAHP_LOG: "/env/file", _CONDOR_LOG: "/env/dir" };
    expect(resolveSettings(parseGahpLaunchArgs(["-f", "/arg/file", "-l", "/arg/dir"]), env).log).toEqual({
      kind: "file",
      path: "/arg/file",
    });
    expect(resolveSettings(parseGahpLaunchArgs(["-l", "/arg/dir"]), env).log).toEqual({
      kind: "file",
      path: "/env/file",
    });
    expect(resolveSettings(parseGahpLaunchArgs(["-l", "/arg/dir"]), { _CONDOR_LOG: "/env/dir" }).log).toEqual(
      {
        kind: "file",
        path: "/arg/dir/AnnexGahpLog",
      },
    );
    expect(resolveSettings(parseGahpLaunchArgs([]), { _CONDOR_LOG: "/env/dir" }).log).toEqual({
      kind: "file",
      path: "/env/dir/AnnexGahpLog",
    });
  });

  it("reads knobs named after the -s subsystem and accepts STDERR as a log", () => {
    const settings = resolveSettings(parseGahpLaunchArgs(["-s", "MY_GAHP"]), {
      _CONDOR_MY_GAHP_LOG: "stderr",
      _CONDOR_MAX_MY_GAHP_LOG: "2048",
      _CONDOR_MAX_NUM_MY_GAHP_LOG: "3",
      _CONDOR_MY_GAHP_DEBUG: "D_FULLDEBUG D_PID",
      _CONDOR_MY_GAHP_MAX_LINE_LENGTH: "65536",
      _CONDOR_MY_GAHP_SHUTDOWN_TIMEOUT: "2.5",
      _CONDOR_MY_GAHP_MAX_REQUESTS_IN_FLIGHT: "500",
    });
    expect(settings).toMatchObject({
      log: { kind: "stderr" },
      maxLogBytes: 2048,
      maxLogRotations: 3,
      debugFlags: ["D_FULLDEBUG", "D_PID"],
      maxLineBytes: 65536,
      drainTimeoutMs: 2500,
      maxRequestsInFlight: 500,
    });
  });

  it("warns about a knob that is not a number and keeps the default", () => {
    const settings = resolveSettings(parseGahpLaunchArgs([]), { _CONDOR_ANNEX_GAHP_MAX_LINE_LENGTH: "huge" });
    expect(settings.maxLineBytes).toBe(4 * 1024 * 1024);
    expect(settings.warnings.join()).toContain("_CONDOR_ANNEX_GAHP_MAX_LINE_LENGTH");
  });

  it("answers CONDOR_VERSION in HTCondor's $CondorVersion$ form", () => {
    expect(condorVersionString()).toMatch(
      /^\$CondorVersion: \d+\.\d+\.\d+ [A-Z][a-z]{2} \d{1,2} \d{4} .* \$$/,
    );
  });
});

describe("the real ClassAd codec behind annex commands", () => {
  it("parses the argument ad, prints the result ad, and reports syntax errors as line:column", async () => {
    const codec = await loadClassAdCodec();
    const command = classAdCommand({
      name: "ANNEX_TEST",
      codec,
      validate: (ad) => ({ ok: true, value: ad }),
      run: async (ad) => ({ ok: true, ad }),
    });
    const harness = new ServerHarness({ commands: [command] });
    harness.take();
    harness.request('ANNEX_TEST 1 [\\ Name\\ =\\ "chem-burst";\\ MaxInstances\\ =\\ 20\\ ]');
    harness.request("ANNEX_TEST 2 [\\ Name\\ =\\ ]");
    await harness.settle();
    harness.request("RESULTS");
    const lines = harness.take();
    expect(lines[0]).toBe("S");
    expect(lines[1]).toBe("S");
    expect(lines[2]).toBe("S 2");
    const success = lines.find((line) => line.startsWith("1 "));
    // The printed ad is the unparser's business; check it is the same ad, escaped for the wire.
    expect(success).toMatch(/^1 0 \[\\ .*\]$/);
    expect(success).toContain('Name\\ =\\ "chem-burst"');
    expect(success).toContain("MaxInstances\\ =\\ 20");
    const failure = lines.find((line) => line.startsWith("2 "));
    expect(failure).toMatch(/^2 1 E_INVALID_REQUEST 1:10:\\ unexpected\\ '\]'/);
  });
});

describe("annex-gahp startup cost", () => {
  /** Modules reached from `entry` through static, value (non-type) imports. */
  function staticImportGraph(entry: string): Set<string> {
    const seen = new Set<string>();
    const pending = [entry];
    while (pending.length > 0) {
      const file = pending.pop();
      if (file === undefined || seen.has(file)) continue;
      seen.add(file);
      if (!file.startsWith("/")) continue; // a package: not followed further
      const source = readFileSync(file, "utf8");
      for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
        const specifier = match[1] ?? "";
        if (specifier.startsWith("."))
          pending.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
        else pending.push(specifier);
      }
    }
    return seen;
  }

  it("loads neither the AWS SDK nor the ClassAd parser before the banner (they are imported lazily)", () => {
    const graph = [
      ...staticImportGraph(fileURLToPath(new URL("../../src/annex-gahp/main.ts", import.meta.url))),
    ];
    // The walk does reach the protocol core and node built-ins…
    expect(graph.some((module) => module.endsWith("src/gahp/server.ts"))).toBe(true);
    expect(graph).toContain("node:fs");
    // …but nothing heavy.
    expect(graph.filter((module) => module.startsWith("@aws-sdk") || module.includes("/src/aws/"))).toEqual(
      [],
    );
    expect(graph.filter((module) => module === "chevrotain" || module.includes("/src/classad/"))).toEqual([]);
    expect(graph.filter((module) => module.includes("/src/annex/"))).toEqual([]);
  });
});

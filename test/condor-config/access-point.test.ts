import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_QUEUE_COMMAND } from "../../src/cli/queue-query.js";
import { repoRoot } from "../../src/emulator/python-env.js";

const text = readFileSync(join(repoRoot, "condor-config", "access-point", "50-condor-annex.config"), "utf8");

function knob(name: string, commented = false): string | undefined {
  const prefix = commented ? `# ${name} = ` : `${name} = `;
  return text
    .split("\n")
    .find((line) => line.startsWith(prefix))
    ?.slice(prefix.length);
}

describe("condor-config/access-point/50-condor-annex.config", () => {
  it("runs condor-annex watch under condor_master, logging to its own file", () => {
    expect(knob("DAEMON_LIST")).toBe("$(DAEMON_LIST) ANNEX_WATCH");
    expect(knob("ANNEX_WATCH")).toBe("$(CONDOR_ANNEX_HOME)/bin/condor-annex");
    expect(knob("ANNEX_WATCH_ARGS")).toBe("watch");
    expect(knob("ANNEX_WATCH_LOG")).toBe("$(LOG)/AnnexWatchLog");
  });

  it("names the helper as HTCondor's condor_annex does (ANNEX_GAHP, ANNEX_GAHP_LOG)", () => {
    expect(knob("ANNEX_GAHP")).toBe("$(CONDOR_ANNEX_HOME)/bin/annex-gahp");
    expect(knob("ANNEX_GAHP_LOG")).toBe("$(LOG)/AnnexGahpLog");
  });

  it("shows the watch loop's real default queue command", () => {
    expect(knob("ANNEX_WATCH_QUEUE_COMMAND", true)).toBe(DEFAULT_QUEUE_COMMAND);
  });

  it("fetches tokens that last until the annex's deadline, not just one lease window", () => {
    expect(knob("ANNEX_TOKEN_COMMAND")).toContain("-lifetime $ANNEX_TOKEN_LIFETIME");
  });
});

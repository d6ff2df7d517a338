import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/emulator/python-env.js";
import { MALFORMED_REQUESTS } from "../../support/annex-requests.js";
import { testbedProblem } from "../../support/htcondor/debian-root.js";
import { type PersonalPool, startPool } from "../../support/htcondor/personal-pool.js";

/**
 * The access point's SUBMIT_REQUIREMENT_ANNEXREQUEST as the real schedd (HTCondor 25.14.1)
 * applies it, configured only by copying condor-config/access-point/50-condor-annex.config into
 * the pool's config.d: the example submit files are accepted as a user submits them, and every
 * malformed request is refused by condor_submit with a reason that names the attribute.
 */
const problem = await testbedProblem();
if (problem !== undefined) process.stderr.write(`[htcondor] skipped: ${problem}\n`);

const accessPointConfig = readFileSync(
  join(repoRoot, "condor-config/access-point/50-condor-annex.config"),
  "utf8",
);

describe.skipIf(problem !== undefined)("the real schedd with the access point's submit requirement", () => {
  let pool: PersonalPool;

  beforeAll(async () => {
    pool = await startPool({ configFiles: { "50-condor-annex.config": accessPointConfig } });
  }, 600_000);

  afterAll(async () => {
    await pool?.stop();
  });

  /** condor_submit as alice; the submit file is given on stdin. */
  const submit = (text: string) => pool.run(["condor_submit"], { user: "alice", input: text });

  it.each(["chem-burst.sub", "gpu-training.sub"])(
    "accepts the example %s as a user submits it",
    async (file) => {
      const example = readFileSync(join(repoRoot, "condor-config/examples", file), "utf8");
      // What the user brings besides the submit file: the program and the output directory.
      await pool.must(
        [
          "sh",
          "-c",
          "mkdir -p out && printf '#!/bin/sh\\necho ok\\n' > run-simulation.sh && cp run-simulation.sh train.sh && chmod +x *.sh",
        ],
        { user: "alice" },
      );
      const result = await submit(example);
      expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/\d+ job\(s\) submitted to cluster \d+/);
    },
  );

  it.each(MALFORMED_REQUESTS)("refuses +AnnexRequest = %s, saying %s…", async (request, reasonStart) => {
    const result = await submit(`executable = /bin/true\n+AnnexRequest = ${request}\nqueue\n`);
    expect(result.code).not.toBe(0);
    const said = `${result.stdout}${result.stderr}`.replace(/\s+/g, " ");
    expect(said).toContain("Failed to commit job submission into the queue");
    expect(said).toContain(reasonStart);
  });

  it("accepts a job without an AnnexRequest", async () => {
    const result = await submit("executable = /bin/true\nqueue\n");
    expect(result.code, result.stderr).toBe(0);
  });
});

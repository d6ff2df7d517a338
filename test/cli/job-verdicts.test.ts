import { describe, expect, it } from "vitest";
import { ClassAd } from "../../src/classad/classad.js";
import { RANGES_PER_EDIT, VerdictWriter } from "../../src/cli/job-verdicts.js";
import type { JobShape } from "../../src/cli/queue-shapes.js";

function shape(ranges: [number, number, number][]): JobShape {
  return {
    ad: new ClassAd(),
    count: ranges.reduce((n, [, a, b]) => n + b - a + 1, 0),
    idsMatter: false,
    ranges: ranges.map(([cluster, first, last]) => ({ cluster, first, last })),
  };
}

function recorder(answer: string | undefined = undefined) {
  const calls: string[][] = [];
  const run = async (args: readonly string[]) => {
    calls.push([...args]);
    return answer;
  };
  return { calls, run };
}

describe("VerdictWriter", () => {
  it("writes each distinct verdict with one condor_qedit on its jobs' id ranges, skipping jobs that have it", async () => {
    const q = recorder();
    const writer = new VerdictWriter(q.run);
    const shapes = [shape([[12, 0, 9]]), shape([[13, 4, 4]]), shape([[14, 0, 1]])];
    const round = await writer.write(shapes, [
      { entry: 0, status: "Unmatched", reason: 'clause TARGET.Gpus >= 1 holds on none of "c5.large"' },
      { entry: 1, status: "Unmatched", reason: 'clause TARGET.Gpus >= 1 holds on none of "c5.large"' },
      { entry: 2, status: "Matched", reason: "annex a" },
    ]);
    expect(round).toEqual({ edits: 2, failures: [] });
    expect(q.calls[0]).toEqual([
      "-constraint",
      '(AnnexRequestStatus =!= "Unmatched" || AnnexRequestReason =!= "clause TARGET.Gpus >= 1 holds on none of \\"c5.large\\"") && ((ClusterId == 12 && ProcId >= 0 && ProcId <= 9) || (ClusterId == 13 && ProcId == 4))',
      "AnnexRequestStatus",
      '"Unmatched"',
      "AnnexRequestReason",
      '"clause TARGET.Gpus >= 1 holds on none of \\"c5.large\\""',
    ]);
  });

  it("does nothing for a verdict whose jobs have not changed since it last wrote it", async () => {
    const q = recorder();
    const writer = new VerdictWriter(q.run);
    const shapes = [shape([[1, 0, 3]])];
    const verdicts = [{ entry: 0, status: "Matched", reason: "annex a" }];
    await writer.write(shapes, verdicts);
    expect((await writer.write(shapes, verdicts)).edits).toBe(0);
    expect((await writer.write([shape([[1, 0, 4]])], verdicts)).edits).toBe(1);
    expect(q.calls).toHaveLength(2);
  });

  it("splits many ranges over several calls", async () => {
    const q = recorder();
    const ranges: [number, number, number][] = Array.from({ length: RANGES_PER_EDIT + 1 }, (_, i) => [
      i + 1,
      0,
      0,
    ]);
    await new VerdictWriter(q.run).write([shape(ranges)], [{ entry: 0, status: "Matched", reason: "r" }]);
    expect(q.calls).toHaveLength(2);
  });

  it("reports a failing condor_qedit and tries again next round", async () => {
    const q = recorder('Failed to set attribute "AnnexRequestReason" by constraint');
    const writer = new VerdictWriter(q.run);
    const args = [[shape([[1, 0, 0]])], [{ entry: 0, status: "Matched", reason: "r" }]] as const;
    const round = await writer.write(...args);
    expect(round.failures).toEqual([
      'Matched for 1 job range(s): Failed to set attribute "AnnexRequestReason" by constraint',
    ]);
    expect((await writer.write(...args)).edits).toBe(1);
  });
});

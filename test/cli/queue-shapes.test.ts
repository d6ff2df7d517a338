import { describe, expect, it } from "vitest";
import { ClassAd } from "../../src/classad/classad.js";
import { parseOldAdsFromText } from "../../src/classad/old-format.js";
import { parseClassAd } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { missingReferences, ShapeCollector, sampleJobIds, shapeRecord } from "../../src/cli/queue-shapes.js";

function ad(text: string): ClassAd {
  const parsed = parseClassAd(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const job = (cluster: number, proc: number, extra = "") =>
  ad(
    `[ ClusterId = ${cluster}; ProcId = ${proc}; JobStatus = 1; RequestCpus = 1; AnnexRequest = [ Name = "a" ]${extra} ]`,
  );

describe("ShapeCollector", () => {
  it("collapses jobs that differ only in their ids, and keeps every id as proc ranges", () => {
    const shapes = new ShapeCollector();
    for (const proc of [0, 1, 2, 3]) shapes.add(job(12, proc));
    shapes.add(job(12, 7));
    shapes.add(job(13, 0));
    shapes.add(job(14, 0, "; RequestCpus = 2"));
    const [first, second] = shapes.shapes();
    expect(shapes.shapes()).toHaveLength(2);
    expect(shapes.jobs).toBe(7);
    expect(first?.count).toBe(6);
    expect(first?.ranges).toEqual([
      { cluster: 12, first: 0, last: 3 },
      { cluster: 12, first: 7, last: 7 },
      { cluster: 13, first: 0, last: 0 },
    ]);
    expect(second?.count).toBe(1);
    expect(sampleJobIds(first ?? { ad: new ClassAd(), count: 0, idsMatter: false, ranges: [] }, 5)).toEqual([
      "12.0",
      "12.1",
      "12.2",
      "12.3",
      "12.7",
    ]);
  });

  it("compares whole expressions regardless of attribute order and name case", () => {
    const shapes = new ShapeCollector();
    shapes.add(ad('[ ClusterId = 1; ProcId = 0; A = 1; b = "x" ]'));
    shapes.add(ad('[ B = "x"; a = 1; ClusterId = 1; ProcId = 1 ]'));
    shapes.add(ad('[ ClusterId = 1; ProcId = 2; A = 1; b = "y" ]'));
    expect(shapes.shapes().map((shape) => shape.count)).toEqual([2, 1]);
  });

  it("keeps each job apart when its expressions read its own ids", () => {
    const shapes = new ShapeCollector();
    shapes.add(job(1, 0, "; Requirements = ProcId % 2 == 0"));
    shapes.add(job(1, 1, "; Requirements = ProcId % 2 == 0"));
    expect(shapes.shapes().map((shape) => [shape.count, shape.idsMatter])).toEqual([
      [1, true],
      [1, true],
    ]);
  });

  it("collapses what the long-form reader shares, as read from condor_q output", () => {
    const text = Array.from({ length: 1000 }, (_, i) =>
      [
        `ClusterId = ${1 + Math.floor(i / 500)}`,
        `ProcId = ${i % 500}`,
        "JobStatus = 1",
        'AnnexRequest = [ Name = "a" ]',
        `RequestMemory = ${i < 800 ? 1024 : 2048}`,
        "",
      ].join("\n"),
    ).join("\n");
    const shapes = new ShapeCollector();
    for (const result of parseOldAdsFromText(text)) {
      if (!result.ok) throw new Error(result.error.message);
      shapes.add(result.value);
    }
    expect(shapes.shapes().map((shape) => [shape.count, shape.ranges.length])).toEqual([
      [800, 2],
      [200, 1],
    ]);
  });
});

describe("shapeRecord", () => {
  it("sends the ad without its ids, with JobCount and a sample of JobIds", () => {
    const shapes = new ShapeCollector();
    for (const proc of [0, 1, 2]) shapes.add(job(5, proc));
    const [shape] = shapes.shapes();
    if (shape === undefined) throw new Error("no shape");
    expect(unparse(shapeRecord(shape, 2))).toBe(
      '[ JobIds = { "5.0","5.1" }; JobCount = 3; JobStatus = 1; RequestCpus = 1; AnnexRequest = [ Name = "a" ] ]',
    );
  });
});

describe("missingReferences", () => {
  it("names what the jobs' expressions read that the projection lacks, once", () => {
    const shapes = new ShapeCollector();
    shapes.add(
      job(
        1,
        0,
        "; RequestDisk = MAX({ 1024,(TransferInputSizeMB + 1) * 1.25 }) * 1024; Requirements = TARGET.Disk >= RequestDisk && MY.Site =!= undefined",
      ),
    );
    shapes.add(job(2, 0, "; RequestDisk = TransferInputSizeMB * 1024; RequestCpus = 2"));
    const known = new Set([
      "clusterid",
      "procid",
      "jobstatus",
      "requestcpus",
      "annexrequest",
      "requestdisk",
      "requirements",
    ]);
    expect(missingReferences(shapes.shapes(), known)).toEqual(["TransferInputSizeMB", "Site"]);
    expect(missingReferences(shapes.shapes(), new Set([...known, "transferinputsizemb", "site"]))).toEqual(
      [],
    );
  });
});

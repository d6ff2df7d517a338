/**
 * The order in which `vitest run` hands test files to its workers (vitest.config.ts,
 * `sequence.sequencer`). Vitest's own sequencer queues project after project (by name) and
 * failed files first; with the projects running side by side in one pool of workers, the whole
 * run is over soonest when the longest files start first, whatever their project ("longest
 * processing time first"). Durations come from vitest's cache of the previous run.
 */
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { usesHtcondorTestbed } from "./test-lanes.js";

/** Guesses, in ms, for files the cache has no duration for (a fresh clone, a new file). */
const UNKNOWN_DURATION_MS: Readonly<Record<string, number>> = {
  // The first run builds a virtualenv (checkov's takes minutes): start it early.
  "lint-templates": 120_000,
  e2e: 30_000,
  unit: 1_000,
};

/** Longest first across projects; see the module comment. */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const path = (spec: TestSpecification) => relative(root, spec.moduleId).split("\\").join("/");
    const estimate = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${spec.project.name}:${path(spec)}`)?.duration ??
      UNKNOWN_DURATION_MS[spec.project.name] ??
      1_000;
    const sorted = [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        estimate(b) - estimate(a),
    );
    // The HTCondor suites take turns (test/support/e2e-file-setup.ts). Only the longest is queued
    // by its length; the others go last, so that while they wait for their turn no other file
    // is waiting for a worker.
    const [first, ...later] = sorted.filter((spec) => usesHtcondorTestbed(path(spec)));
    return [...sorted.filter((spec) => spec === first || !later.includes(spec)), ...later];
  }
}

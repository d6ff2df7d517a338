/**
 * The real annex commands (ANNEX_CREATE, ANNEX_DELETE, ANNEX_EXTEND, ANNEX_JOBS) behind the GAHP
 * server, fed random, mutated and well-formed ClassAd arguments: every line is answered at once
 * (S, E or F), and every accepted request gets exactly one result — `1 <E_CODE> <message>` here,
 * since no pool is configured, so nothing ever reaches AWS (the endpoint is a closed port
 * anyway). The argument parsing, validation and error formatting run for real.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { annexGahpCommands } from "../../src/annex-gahp/commands/index.js";
import { loadClassAdCodec } from "../../src/annex-gahp/main.js";
import { escapeArg, splitArgs } from "../../src/gahp/framing.js";
import { GahpStatistics } from "../../src/gahp/statistics.js";
import { ServerHarness } from "../gahp/harness.js";
import { cpuMs, FuzzMeter, fuzzParameters, fuzzTimeout, MAX_MS_PER_INPUT } from "./budget.js";

// The helper's own codec, as annex-gahp hands it to the commands.
const codec = await loadClassAdCodec();

/** No pool, no AWS: an endpoint on a closed port and no metadata service. */
const ENV: NodeJS.ProcessEnv = {
  CONDOR_CONFIG: "/dev/null",
  PATH: "/nonexistent",
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  AWS_ACCESS_KEY_ID: "fuzz",
  AWS_SECRET_ACCESS_KEY: "fuzz",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_REGION: "us-east-1",
};

const ADS = [
  '[ Name = "chem-burst"; InstanceTypes = { "c6i.2xlarge" }; MaxInstances = 20; Count = 2 ]',
  '[ Name = "a"; Hours = 2 ]',
  '[ Name = "b"; Wait = false ]',
  '[ Jobs = { [ ClusterId = 1; ProcId = 0; JobStatus = 1; AnnexRequest = [ Name = "x" ] ] }; SnapshotTime = 1 ]',
  "[ Jobs = { } ]",
  "[]",
  '[ Name = "x"; LeasePeriodSeconds = 10 ]',
];
const COMMANDS = ["ANNEX_CREATE", "ANNEX_DELETE", "ANNEX_EXTEND", "ANNEX_JOBS"];
const EDITS = ["", "[", "]", ";", "=", '"', "{", "}", "\\", " ", "\n", "0", "-1", "Name", "é", "\u0000"];

const argument = fc.oneof(
  fc.constantFrom(...ADS),
  fc
    .tuple(fc.constantFrom(...ADS), fc.nat(), fc.nat({ max: 5 }), fc.constantFrom(...EDITS))
    .map(([ad, at, del, ins]) => {
      const i = at % (ad.length + 1);
      return ad.slice(0, i) + ins + ad.slice(i + del);
    }),
  fc.string({ unit: "binary", maxLength: 60 }),
);

/** One request line: a command, a request id and an escaped argument; sometimes an extra field. */
const requestLine = fc
  .tuple(fc.constantFrom(...COMMANDS), argument, fc.boolean(), fc.boolean())
  .map(([command, arg, extra, badId]) => ({ command, arg, extra, badId }));

describe("annex commands fuzzing", () => {
  const meter = new FuzzMeter();
  afterAll(() => {
    process.stdout.write(
      `[fuzz] annex commands: ${meter.inputs} inputs, slowest ${meter.slowestMs.toFixed(1)} ms\n`,
    );
  });

  it(
    "answers every line at once and gives every accepted request exactly one error result",
    async () => {
      const harness = new ServerHarness({
        commands: annexGahpCommands({ codec, statistics: new GahpStatistics(), log: () => {}, env: ENV }),
      });
      harness.take();
      let nextId = 1;
      const codes = new Map<string, number>();
      const cases = fc.sample(fc.array(requestLine, { minLength: 1, maxLength: 6 }), fuzzParameters(0.03));
      for (const lines of cases) {
        const started = cpuMs();
        const accepted: number[] = [];
        const wire = lines.map(({ command, arg, extra, badId }) => {
          const id = nextId++;
          return `${command} ${badId ? "x" : id} ${escapeArg(arg)}${extra ? " extra" : ""}`;
        });
        harness.request(...wire);
        await harness.settle();
        const replies = harness.take();
        expect(replies).toHaveLength(wire.length);
        replies.forEach((reply, index) => {
          expect(reply, wire[index]).toMatch(/^[SEF]( |$)/);
          const id = Number(splitArgs(wire[index] ?? "")[1]);
          if (reply === "S") accepted.push(id);
        });
        // Wait for the handlers (the first loads the runtime), then collect the results.
        for (let spin = 0; harness.server.runningCount > 0 && spin < 2000; spin++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect(harness.server.runningCount).toBe(0);
        harness.request("RESULTS");
        await harness.settle();
        const [head, ...results] = harness.take();
        expect(head).toBe(`S ${accepted.length}`);
        const ids = results.map((line) => Number(splitArgs(line)[0]));
        expect(ids.sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
        for (const line of results) {
          const fields = splitArgs(line);
          expect(fields[1], line).toBe("1");
          expect(fields[2], line).toMatch(/^E_[A-Z_]+$/);
          codes.set(fields[2] ?? "", (codes.get(fields[2] ?? "") ?? 0) + 1);
          expect((fields[3] ?? "").length, line).toBeGreaterThan(5);
        }
        meter.time(lines, () => {});
        const ms = cpuMs() - started;
        if (ms > MAX_MS_PER_INPUT) throw new Error(`${ms.toFixed(0)} ms CPU for ${JSON.stringify(wire)}`);
        if (ms > meter.slowestMs) meter.slowestMs = ms;
      }
      expect(harness.server.state).toBe("running");
      process.stdout.write(`[fuzz] annex command results: ${JSON.stringify(Object.fromEntries(codes))}\n`);
      // Not vacuous: many requests got past framing to validation, and some past validation.
      expect(codes.get("E_INVALID_REQUEST") ?? 0).toBeGreaterThan(cases.length / 4);
      expect([...codes.keys()].filter((code) => code !== "E_INVALID_REQUEST").length).toBeGreaterThan(0);
    },
    fuzzTimeout(0.03),
  );
});

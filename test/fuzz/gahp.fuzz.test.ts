/**
 * GAHP server fuzzing (the framing's own properties live in test/gahp/framing.test.ts): random
 * and mutated request lines, chunked arbitrarily, into the in-memory server. Every line gets
 * exactly one reply line starting with S, E or F, in order (RESULTS' reply is `S <n>` and its n
 * result lines); the server never throws and stays running; per-input time and heap are bounded.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { escapeArg, splitArgs } from "../../src/gahp/framing.js";
import { pingCommand } from "../../src/gahp/ping-command.js";
import { ServerHarness } from "../gahp/harness.js";
import {
  cpuMs,
  FuzzMeter,
  fuzzParameters,
  fuzzTimeout,
  MAX_HEAP_GROWTH_BYTES,
  MAX_MS_PER_INPUT,
} from "./budget.js";

const MAX_LINE_BYTES = 512;

/** Commands that answer with exactly one line (or RESULTS' counted block). */
const VALID_LINES = [
  "COMMANDS",
  "VERSION",
  "CONDOR_VERSION",
  "STATISTICS",
  "RESULTS",
  "ASYNC_MODE_OFF",
  "ANNEX_PING 1",
  "ANNEX_PING 2 NULL",
  "ANNEX_PING 3 0",
  "ANNEX_PING 4 abc",
  "ANNEX_PING x",
  "ANNEX_PING 5 1 2",
  'ANNEX_CREATE 6 [\\ Name\\ =\\ "a"\\ ]',
  "results",
  "",
];

const PIECES = [
  " ",
  "\t",
  "\r",
  "\\",
  "\\ ",
  "NULL",
  "null",
  "0",
  "-1",
  "99999999999999999999",
  "é",
  "\u0000",
  "[",
  "]",
];

/** A line: valid, mutated valid, or random; never containing a bare LF (lines are joined by LF). */
const line = fc
  .oneof(
    fc.constantFrom(...VALID_LINES),
    fc
      .tuple(fc.constantFrom(...VALID_LINES), fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...PIECES))
      .map(([l, at, del, ins]) => {
        const i = l.length === 0 ? 0 : at % (l.length + 1);
        return l.slice(0, i) + ins + l.slice(i + del);
      }),
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.string({ maxLength: 700 }), // sometimes over the line limit
  )
  .map((l) => {
    let text = l.replaceAll("\n", " ");
    // An odd run of backslashes at the end would escape the LF and join two lines.
    const trailing = /\\*$/.exec(text)?.[0].length ?? 0;
    if (trailing % 2 === 1) text += "x";
    return text;
  });

/** How many reply lines a request line's reply occupies, given its first line. */
function replyBlockLength(request: string, firstReply: string): number {
  const args = splitArgs(request);
  // Command names are case-insensitive, as in HTCondor.
  if (args.length === 1 && args[0]?.toUpperCase() === "RESULTS") {
    const match = /^S (\d+)$/.exec(firstReply);
    if (match !== null) return 1 + Number(match[1]);
  }
  return 1;
}

describe("GAHP server fuzzing", () => {
  const meter = new FuzzMeter();
  afterAll(() => {
    process.stdout.write(
      `[fuzz] gahp server: ${meter.inputs} inputs, slowest ${meter.slowestMs.toFixed(1)} ms\n`,
    );
  });

  it(
    "answers every line with one S/E/F line, in order, however the bytes are chunked",
    async () => {
      const cases = fc.sample(
        fc.tuple(fc.array(line, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 5 })),
        fuzzParameters(0.3),
      );
      for (const [lines, cuts] of cases) {
        const started = cpuMs();
        const harness = new ServerHarness({
          commands: [pingCommand("ANNEX_PING", "0.1.0", () => 0)],
          maxLineBytes: MAX_LINE_BYTES,
        });
        harness.take(); // the banner
        const bytes = Buffer.from(lines.map((l) => `${l}\r\n`).join(""), "utf8");
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const point of [...points, bytes.length]) {
          harness.send(bytes.subarray(from, point));
          from = point;
        }
        await harness.settle();
        const replies = harness.take();
        let at = 0;
        for (const request of lines) {
          const first = replies[at];
          if (first === undefined)
            throw new Error(`no reply to ${JSON.stringify(request)}; got ${replies.join(" | ")}`);
          if (!/^[SEF]( |$)/.test(first))
            throw new Error(`reply ${JSON.stringify(first)} to ${JSON.stringify(request)}`);
          at += replyBlockLength(request, first);
        }
        if (at !== replies.length) {
          throw new Error(
            `${replies.length - at} extra reply lines for ${JSON.stringify(lines)}: ${replies.join(" | ")}`,
          );
        }
        expect(harness.server.state).toBe("running");
        meter.time(lines, () => {});
        const ms = cpuMs() - started;
        if (ms > MAX_MS_PER_INPUT)
          throw new Error(`${ms.toFixed(0)} ms CPU for ${JSON.stringify(lines).slice(0, 200)}`);
        if (ms > meter.slowestMs) meter.slowestMs = ms;
      }
      expect(meter.heapGrowth()).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    },
    fuzzTimeout(0.3),
  );

  it(
    "escapes any argument so that it splits back to itself (mutation of escaped text)",
    () => {
      const m = new FuzzMeter();
      fc.assert(
        fc.property(
          fc.array(fc.string({ unit: "binary", minLength: 1, maxLength: 30 }), { maxLength: 6 }),
          (args) =>
            m.time(args, (a) => {
              const wire = a.map(escapeArg).join(" ");
              const back = splitArgs(wire);
              if (JSON.stringify(back) !== JSON.stringify(a))
                throw new Error(`${JSON.stringify(a)} → ${wire}`);
            }),
        ),
        fuzzParameters(0.1),
      );
      meter.inputs += m.inputs;
    },
    fuzzTimeout(0.1),
  );
});

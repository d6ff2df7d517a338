import { describe, expect, it } from "vitest";
import { splitArgs } from "../../src/gahp/framing.js";
import { STANDARD_COMMAND_NAMES } from "../../src/gahp/standard-commands.js";
import { GahpStatistics } from "../../src/gahp/statistics.js";
import type { AsyncCommand, GahpCommand, ResultFields } from "../../src/gahp/types.js";
import { deferred, ServerHarness } from "./harness.js";

/** An async command whose results the test releases by hand. */
function manualCommand(name = "WORK"): {
  command: AsyncCommand;
  finish: (id: number, fields: ResultFields) => void;
} {
  const waiting = new Map<number, (fields: ResultFields) => void>();
  return {
    command: {
      kind: "async",
      name,
      args: { min: 0, max: 2 },
      handle(_args, context) {
        const d = deferred<ResultFields>();
        waiting.set(context.requestId, d.resolve);
        return d.promise;
      },
    },
    finish(id, fields) {
      waiting.get(id)?.(fields);
    },
  };
}

const echo: AsyncCommand = {
  kind: "async",
  name: "ECHO",
  args: { min: 0 },
  handle: (args) => ["0", ...args],
};

function started(commands: GahpCommand[] = [], options = {}): ServerHarness {
  const harness = new ServerHarness({ commands, ...options });
  expect(harness.take()).toEqual(["$GahpVersion: 0.1.0 Nov 26 2026 Test\\ GAHP $"]);
  return harness;
}

describe("startup", () => {
  it("writes the banner as the first line, unprefixed and without S", () => {
    const harness = new ServerHarness();
    expect(harness.take()).toEqual(["$GahpVersion: 0.1.0 Nov 26 2026 Test\\ GAHP $"]);
    expect(harness.server.state).toBe("running");
  });
});

describe("standard commands", () => {
  it("COMMANDS lists the standard commands and then the registered ones", () => {
    const harness = started([echo]);
    harness.request("COMMANDS");
    expect(harness.take()).toEqual([`S ${[...STANDARD_COMMAND_NAMES, "ECHO"].join(" ")}`]);
  });

  it("VERSION answers S and the banner's fields", () => {
    const harness = started();
    harness.request("VERSION");
    expect(harness.take()).toEqual(["S $GahpVersion: 0.1.0 Nov 26 2026 Test\\ GAHP $"]);
  });

  it("CONDOR_VERSION takes the client's version and answers with the server's, escaped", () => {
    const harness = started();
    harness.request("CONDOR_VERSION $CondorVersion:\\ 23.0.0\\ 2023-09-29\\ $");
    expect(harness.take()).toEqual(["S $CondorVersion:\\ 0.1.0\\ Nov\\ 26\\ 2026\\ test\\ $"]);
    expect(harness.logLines.some((line) => line.includes("23.0.0"))).toBe(true);
  });

  it("STATISTICS answers the four service counters in wire order", () => {
    const statistics = new GahpStatistics();
    const harness = started([], { statistics });
    harness.request("STATISTICS");
    expect(harness.take()).toEqual(["S 0 0 0 0"]);
    statistics.recordRequest("cfn:DescribeStacks:a");
    statistics.recordRequest("cfn:DescribeStacks:a");
    statistics.recordRequest("cfn:CreateStack:b");
    statistics.recordLimitExceeded();
    statistics.recordExpiredSignature();
    harness.request("STATISTICS");
    expect(harness.take()).toEqual(["S 3 2 1 1"]);
  });

  it("accepts command names in any case", () => {
    const harness = started([echo]);
    harness.request("version", "Echo 4 x");
    expect(harness.take()).toEqual(["S $GahpVersion: 0.1.0 Nov 26 2026 Test\\ GAHP $", "S"]);
  });

  it("QUIT answers S, then closes and ignores any later input", async () => {
    const harness = started();
    harness.request("QUIT", "VERSION");
    expect(harness.take()).toEqual(["S"]);
    await harness.settle();
    expect(harness.server.state).toBe("closed");
    expect(harness.closedWith).toBe("quit");
    harness.request("VERSION");
    expect(harness.take()).toEqual([]);
  });
});

describe("malformed request lines get E and the server carries on", () => {
  it("unknown commands, empty lines and binary garbage", () => {
    const harness = started();
    harness.request("BOGUS_COMMAND 1", "", "   ");
    harness.send(Buffer.from([0xff, 0x00, 0xfe, 0x0a]));
    harness.request("VERSION");
    const lines = harness.take();
    expect(lines.slice(0, 4)).toEqual(["E", "E", "E", "E"]);
    expect(lines[4]?.startsWith("S $GahpVersion")).toBe(true);
  });

  it("a wrong argument count for a synchronous command", () => {
    const harness = started();
    harness.request("VERSION extra", "RESPONSE_PREFIX", "RESPONSE_PREFIX a b", "QUIT now");
    expect(harness.take()).toEqual(["E", "E", "E", "E"]);
    expect(harness.server.state).toBe("running");
  });

  it("a wrong argument count for an asynchronous command (request id not counted)", () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("WORK 1 a b c", "WORK 2 a b", "WORK 3");
    expect(harness.take()).toEqual(["E", "S", "S"]);
  });

  it("a request id that is missing, zero, negative, not an integer or too large", () => {
    const harness = started([echo]);
    harness.request(
      "ECHO",
      "ECHO 0",
      "ECHO -3",
      "ECHO 1.5",
      "ECHO abc",
      "ECHO 99999999999999999",
      "ECHO 9007199254740991",
    );
    expect(harness.take()).toEqual(["E", "E", "E", "E", "E", "E", "S"]);
  });

  it("a request id already in flight, whether running or waiting for RESULTS", () => {
    const manual = manualCommand();
    const harness = started([manual.command, echo]);
    harness.request("WORK 7", "WORK 7", "ECHO 7", "ECHO 8", "ECHO 8");
    expect(harness.take()).toEqual(["S", "E", "E", "S", "E"]);
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S 1", "8 0"]);
    harness.request("ECHO 8");
    expect(harness.take()).toEqual(["S"]);
  });

  it("a line longer than the limit, answered in order, without holding it", () => {
    const harness = started([echo], { maxLineBytes: 1024 });
    harness.request("ECHO 1 a");
    harness.send(`ECHO 2 ${"x".repeat(5000)}`);
    harness.send("y".repeat(5000));
    harness.send("\r\nECHO 3 b\r\n");
    expect(harness.take()).toEqual(["S", "E", "S"]);
    expect(harness.logLines.some((line) => line.includes("exceeds the limit"))).toBe(true);
  });
});

describe("asynchronous commands and RESULTS", () => {
  it("answers S at once and queues `<reqid> <fields>` with fields escaped", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("WORK 5 a");
    expect(harness.take()).toEqual(["S"]);
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S 0"]);
    manual.finish(5, ["0", '[ Name = "a b" ]', null]);
    await harness.settle();
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S 1", '5 0 [\\ Name\\ =\\ "a\\ b"\\ ] NULL']);
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S 0"]);
  });

  it("keeps a result whose message holds a newline on one line (backslash-LF is data)", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("WORK 6 a");
    expect(harness.take()).toEqual(["S"]);
    manual.finish(6, ["1", "E_INVALID_REQUEST", 'got "c6i\nrge"']);
    await harness.settle();
    harness.request("RESULTS");
    const lines = harness.take();
    expect(lines).toEqual(["S 1", '6 1 E_INVALID_REQUEST got\\ "c6i\\\nrge"']);
    expect(splitArgs(lines[1] ?? "")).toEqual(["6", "1", "E_INVALID_REQUEST", 'got "c6i\nrge"']);
  });

  it("returns results in the order they were queued, not the order requested", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("WORK 1", "WORK 2", "WORK 3");
    manual.finish(3, ["0"]);
    manual.finish(1, ["1", "E_X", "bad thing"]);
    await harness.settle();
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S", "S", "S", "S 2", "3 0", "1 1 E_X bad\\ thing"]);
  });

  it("turns a handler that throws or rejects into `<reqid> 1 E_INTERNAL <message>`", async () => {
    const throwing: GahpCommand = {
      kind: "async",
      name: "THROW",
      args: 0,
      handle() {
        throw new Error("kaput now");
      },
    };
    const rejecting: GahpCommand = {
      kind: "async",
      name: "REJECT",
      args: 0,
      handle: () => Promise.reject(new Error("no luck")),
    };
    const harness = started([throwing, rejecting]);
    harness.request("THROW 1", "REJECT 2");
    await harness.settle();
    harness.request("RESULTS");
    expect(harness.take()).toEqual([
      "S",
      "S",
      "S 2",
      "1 1 E_INTERNAL kaput\\ now",
      "2 1 E_INTERNAL no\\ luck",
    ]);
  });

  it("answers a synchronous handler that throws with F and its message", () => {
    const failing: GahpCommand = {
      kind: "sync",
      name: "FAIL",
      args: 0,
      handle() {
        throw new Error("disk full");
      },
    };
    const harness = started([failing]);
    harness.request("FAIL");
    expect(harness.take()).toEqual(["F disk\\ full"]);
  });

  it("passes a synchronous handler's S fields and F error through, escaped", () => {
    const sync: GahpCommand = {
      kind: "sync",
      name: "PICK",
      args: 1,
      handle: (args) =>
        args[0] === "f" ? { kind: "F", error: "no such thing" } : { kind: "S", fields: ["a b", null] },
    };
    const harness = started([sync]);
    harness.request("PICK s", "PICK f");
    expect(harness.take()).toEqual(["S a\\ b NULL", "F no\\ such\\ thing"]);
  });
});

describe("limits", () => {
  it("refuses asynchronous requests with F beyond the in-flight limit until results are collected", () => {
    const harness = started([echo], { maxRequestsInFlight: 2 });
    harness.request("ECHO 1", "ECHO 2", "ECHO 3", "RESULTS", "ECHO 3");
    expect(harness.take()).toEqual([
      "S",
      "S",
      "F too\\ many\\ requests\\ in\\ flight;\\ collect\\ results\\ with\\ RESULTS",
      "S 2",
      "1 0",
      "2 0",
      "S",
    ]);
  });
});

describe("async mode: the R rule", () => {
  it("writes no R while async mode is off", async () => {
    const harness = started([echo]);
    harness.request("ECHO 1");
    await harness.settle();
    expect(harness.take()).toEqual(["S"]);
  });

  it("writes one R when results become pending, and no more until RESULTS", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("ASYNC_MODE_ON", "WORK 1", "WORK 2", "WORK 3");
    expect(harness.take()).toEqual(["S", "S", "S", "S"]);
    manual.finish(1, ["0"]);
    await harness.settle();
    expect(harness.take()).toEqual(["R"]);
    manual.finish(2, ["0"]);
    await harness.settle();
    expect(harness.take()).toEqual([]);
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S 2", "1 0", "2 0"]);
    manual.finish(3, ["0"]);
    await harness.settle();
    expect(harness.take()).toEqual(["R"]);
  });

  it("re-arms R after a RESULTS that found nothing", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("ASYNC_MODE_ON", "WORK 1", "RESULTS");
    expect(harness.take()).toEqual(["S", "S", "S 0"]);
    manual.finish(1, ["0"]);
    await harness.settle();
    expect(harness.take()).toEqual(["R"]);
  });

  it("writes R once results are ready: after the S replies of the chunk, never inside RESULTS output", () => {
    const harness = started([echo]);
    harness.request("ASYNC_MODE_ON", "ECHO 1 a", "ECHO 2 b", "RESULTS", "ECHO 3 c");
    // Handlers start after the chunk's S replies, or before a synchronous command (RESULTS).
    expect(harness.take()).toEqual(["S", "S", "S", "R", "S 2", "1 0 a", "2 0 b", "S", "R"]);
  });

  it("acknowledges a whole chunk of requests before starting any handler", () => {
    // What each handler finds already written when it starts.
    const writtenBefore: string[][] = [];
    const recording: GahpCommand = {
      kind: "async",
      name: "REC",
      args: { min: 0, max: 0 },
      handle: () => {
        writtenBefore.push(harness.take());
        return ["0"];
      },
    };
    const harness = started([recording]);
    harness.request("ASYNC_MODE_ON", "REC 1", "REC 2", "REC 3");
    expect(writtenBefore).toEqual([["S", "S", "S", "S"], [], []]);
    expect(harness.take()).toEqual(["R"]);
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S 3", "1 0", "2 0", "3 0"]);
  });

  it("signals results already waiting when async mode is turned on", () => {
    const harness = started([echo]);
    harness.request("ECHO 1", "ASYNC_MODE_ON");
    expect(harness.take()).toEqual(["S", "S", "R"]);
  });

  it("stops writing R after ASYNC_MODE_OFF; RESULTS still delivers", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("ASYNC_MODE_ON", "WORK 1", "ASYNC_MODE_OFF");
    manual.finish(1, ["0"]);
    await harness.settle();
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S", "S", "S", "S 1", "1 0"]);
  });
});

describe("RESPONSE_PREFIX", () => {
  it("leaves its own reply unprefixed and prefixes every later line, including R and result lines", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.request("RESPONSE_PREFIX GAHP:", "ASYNC_MODE_ON", "WORK 1", "BOGUS");
    expect(harness.take()).toEqual(["S", "GAHP:S", "GAHP:S", "GAHP:E"]);
    manual.finish(1, ["0", "x"]);
    await harness.settle();
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["GAHP:R", "GAHP:S 1", "GAHP:1 0 x"]);
  });

  it("can be changed again (the new reply carries the old prefix) and cleared with NULL", () => {
    const harness = started();
    harness.request(
      "RESPONSE_PREFIX A:",
      "RESPONSE_PREFIX B:",
      "VERSION",
      "RESPONSE_PREFIX NULL",
      "STATISTICS",
    );
    const lines = harness.take();
    expect(lines.slice(0, 2)).toEqual(["S", "A:S"]);
    expect(lines[2]?.startsWith("B:S $GahpVersion")).toBe(true);
    expect(lines.slice(3)).toEqual(["B:S", "S 0 0 0 0"]);
  });
});

describe("shutdown", () => {
  it("on input end answers a final unterminated line, waits for running work and logs its result", async () => {
    const manual = manualCommand();
    const harness = started([manual.command]);
    harness.send("WORK 1\r\nWORK 2");
    harness.server.end();
    expect(harness.take()).toEqual(["S", "S"]);
    expect(harness.server.state).toBe("draining");
    manual.finish(1, ["0", "done"]);
    manual.finish(2, ["0"]);
    await harness.settle();
    expect(harness.server.state).toBe("closed");
    expect(harness.closedWith).toBe("eof");
    expect(harness.logLines.some((line) => line.includes("1 0 done"))).toBe(true);
    expect(harness.take()).toEqual([]);
  });

  it("aborts handlers still running after the drain timeout", async () => {
    let signal: AbortSignal | undefined;
    const stuck: GahpCommand = {
      kind: "async",
      name: "STUCK",
      args: 0,
      handle(_args, context) {
        signal = context.signal;
        return new Promise(() => {});
      },
    };
    const harness = started([stuck], { drainTimeoutMs: 5000 });
    harness.request("STUCK 9");
    const closing = harness.server.close("signal");
    harness.clock.advance(4999);
    expect(signal?.aborted).toBe(false);
    harness.clock.advance(1);
    await closing;
    expect(signal?.aborted).toBe(true);
    expect(harness.closedWith).toBe("signal");
    expect(harness.logLines.some((line) => line.includes("request 9 abandoned"))).toBe(true);
  });

  it("logs results that were queued but never collected", async () => {
    const harness = started([echo]);
    harness.request("ECHO 4 kept");
    await harness.server.close("quit");
    expect(harness.logLines.some((line) => line.includes("never collected: 4 0 kept"))).toBe(true);
  });
});

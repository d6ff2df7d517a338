import { describe, expect, it } from "vitest";
import {
  type Checked,
  type ClassAdCodec,
  classAdCommand,
  formatRequestAdError,
} from "../../src/gahp/classad-command.js";
import { pingCommand } from "../../src/gahp/ping-command.js";
import { ServerHarness } from "./harness.js";

/**
 * A toy codec standing in for the ClassAd parser: `[k=v;...]` with string values. It reports
 * errors with a line and column the way the real parser does.
 */
const toyCodec: ClassAdCodec<Map<string, string>> = {
  parse(text): Checked<Map<string, string>> {
    const match = /^\[(.*)\]$/s.exec(text.trim());
    if (match === null)
      return { ok: false, error: { message: "expected '[' to open a ClassAd", line: 1, column: 1 } };
    const ad = new Map<string, string>();
    for (const part of (match[1] ?? "").split(";").filter((p) => p.trim() !== "")) {
      const [key, value] = part.split("=");
      if (value === undefined)
        return { ok: false, error: { message: `expected '=' after ${part.trim()}`, line: 1, column: 2 } };
      ad.set((key ?? "").trim(), value.trim());
    }
    return { ok: true, value: ad };
  },
  print(ad) {
    return `[ ${[...ad].map(([k, v]) => `${k} = ${v}`).join("; ")} ]`;
  },
};

function harnessWith(
  run: (
    name: string,
  ) => Promise<{ ok: true; ad: Map<string, string> } | { ok: false; code: string; message: string }>,
) {
  const command = classAdCommand({
    name: "ANNEX_TEST",
    codec: toyCodec,
    validate(ad): Checked<string> {
      const name = ad.get("Name");
      if (name === undefined) return { ok: false, error: { message: "Name is required" } };
      return { ok: true, value: name };
    },
    run: (name) => run(name),
  });
  const harness = new ServerHarness({ commands: [command] });
  harness.take();
  return harness;
}

describe("ClassAd-argument commands", () => {
  it("answer S and queue `<reqid> 0 <escaped result ad>` on success", async () => {
    const harness = harnessWith(async (name) => ({ ok: true, ad: new Map([["Created", name]]) }));
    harness.request("ANNEX_TEST 3 [\\ Name\\ =\\ x\\ ]");
    await harness.settle();
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S", "S 1", "3 0 [\\ Created\\ =\\ x\\ ]"]);
  });

  it("answer S and queue `<reqid> 1 <CODE> <message>` when the work fails", async () => {
    const harness = harnessWith(async () => ({
      ok: false,
      code: "E_NO_STACK",
      message: "no stack called x",
    }));
    harness.request("ANNEX_TEST 4 [Name=x]");
    await harness.settle();
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S", "S 1", "4 1 E_NO_STACK no\\ stack\\ called\\ x"]);
  });

  it("answer S then E_INVALID_REQUEST with line:column when the ad does not parse", () => {
    const harness = harnessWith(async () => ({ ok: true, ad: new Map() }));
    harness.request("ANNEX_TEST 5 Name=x", "RESULTS");
    expect(harness.take()).toEqual([
      "S",
      "S 1",
      "5 1 E_INVALID_REQUEST 1:1:\\ expected\\ '['\\ to\\ open\\ a\\ ClassAd",
    ]);
  });

  it("answer S then E_INVALID_REQUEST when the ad parses but does not validate", () => {
    const harness = harnessWith(async () => ({ ok: true, ad: new Map() }));
    harness.request("ANNEX_TEST 6 [Other=1]", "RESULTS");
    expect(harness.take()).toEqual(["S", "S 1", "6 1 E_INVALID_REQUEST Name\\ is\\ required"]);
  });

  it("take NULL as the empty ad", () => {
    const harness = harnessWith(async () => ({ ok: true, ad: new Map() }));
    harness.request("ANNEX_TEST 7 NULL", "RESULTS");
    expect(harness.take()).toEqual(["S", "S 1", "7 1 E_INVALID_REQUEST Name\\ is\\ required"]);
  });

  it("get E for a malformed line: no ad, two ads, or a bad request id", () => {
    const harness = harnessWith(async () => ({ ok: true, ad: new Map() }));
    harness.request("ANNEX_TEST 8", "ANNEX_TEST 8 [] []", "ANNEX_TEST x []");
    expect(harness.take()).toEqual(["E", "E", "E"]);
  });

  it("format errors as line:column: message, leaving the position out when unknown", () => {
    expect(formatRequestAdError({ message: "m", line: 2, column: 7 })).toBe("2:7: m");
    expect(formatRequestAdError({ message: "m" })).toBe("m");
  });
});

describe("the ping command", () => {
  it("answers `<reqid> 0 <ad>` with the version and the running-request count", () => {
    const harness = new ServerHarness({ commands: [pingCommand("ANNEX_PING", "0.1.0", () => 2)] });
    harness.take();
    harness.request(
      "ANNEX_PING 1",
      "ANNEX_PING 2 10 extra",
      "ANNEX_PING 3 soon",
      "ANNEX_PING 4 60001",
      "ANNEX_PING 5 NULL",
      "RESULTS",
    );
    expect(harness.take()).toEqual([
      "S",
      "E",
      "S",
      "S",
      "S",
      "S 4",
      '1 0 [\\ GahpVersion\\ =\\ "0.1.0";\\ RunningRequests\\ =\\ 2\\ ]',
      "3 1 E_INVALID_REQUEST delay\\ must\\ be\\ whole\\ milliseconds\\ from\\ 0\\ to\\ 60000,\\ got\\ soon",
      "4 1 E_INVALID_REQUEST delay\\ must\\ be\\ whole\\ milliseconds\\ from\\ 0\\ to\\ 60000,\\ got\\ 60001",
      '5 0 [\\ GahpVersion\\ =\\ "0.1.0";\\ RunningRequests\\ =\\ 2\\ ]',
    ]);
  });

  it("queues its result after the given delay, and answers E_SHUTDOWN if the helper stops first", async () => {
    const harness = new ServerHarness({
      commands: [pingCommand("ANNEX_PING", "0.1.0", () => 1)],
      drainTimeoutMs: 0,
    });
    harness.take();
    harness.request("ANNEX_PING 1 20", "RESULTS");
    expect(harness.take()).toEqual(["S", "S 0"]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    harness.request("RESULTS");
    expect(harness.take()).toEqual(["S 1", expect.stringMatching(/^1 0 \[/)]);
    harness.request("ANNEX_PING 2 50000");
    const closing = harness.server.close("signal");
    harness.clock.advance(0);
    await closing;
    await harness.settle();
    expect(harness.logLines.join("\n")).toContain("abandoned request: 2 1 E_SHUTDOWN");
  });
});

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { GahpClient } from "../../src/gahp/client.js";
import {
  GahpRequestRejectedError,
  GahpServerDiedError,
  GahpTimeoutError,
  GahpUnsupportedCommandError,
} from "../../src/gahp/errors.js";
import { GahpServer } from "../../src/gahp/server.js";
import type { GahpCommand, ResultFields } from "../../src/gahp/types.js";
import { deferred } from "./harness.js";

const BANNER = "$GahpVersion: 0.1.0 Nov 26 2026 Test\\ GAHP $";

/** A server wired to a client through in-memory pipes; `wire` records what the server read. */
function pair(commands: GahpCommand[]) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const wire: string[] = [];
  const server = new GahpServer({
    banner: BANNER,
    condorVersion: "$CondorVersion: 0.1.0 Nov 26 2026 test $",
    commands,
    write: (chunk) => toClient.write(chunk),
  });
  toServer.on("data", (chunk: Buffer) => {
    wire.push(chunk.toString("utf8"));
    server.receive(chunk);
  });
  toServer.on("end", () => void server.end());
  server.start();
  return { toServer, toClient, wire, server };
}

const echo: GahpCommand = { kind: "async", name: "ECHO", args: { min: 0 }, handle: (args) => ["0", ...args] };

describe("GahpClient startup", () => {
  it("performs the gridmanager's sequence: banner, COMMANDS, CONDOR_VERSION, RESPONSE_PREFIX GAHP:, ASYNC_MODE_ON", async () => {
    const { toServer, toClient, wire } = pair([echo]);
    const client = await GahpClient.connect(toClient, toServer);
    expect(client.banner).toBe(BANNER);
    expect(client.commands.has("ECHO")).toBe(true);
    expect(client.serverCondorVersion).toBe("$CondorVersion: 0.1.0 Nov 26 2026 test $");
    expect(client.asyncMode).toBe(true);
    const sent = wire
      .join("")
      .split("\r\n")
      .filter((l) => l !== "");
    expect(sent.map((line) => line.split(" ")[0])).toEqual([
      "COMMANDS",
      "CONDOR_VERSION",
      "RESPONSE_PREFIX",
      "ASYNC_MODE_ON",
    ]);
    expect(sent[2]).toBe("RESPONSE_PREFIX GAHP:");
  });
});

describe("GahpClient calls", () => {
  it("resolves each call with its result fields, unescaped", async () => {
    const { toServer, toClient } = pair([echo]);
    const client = await GahpClient.connect(toClient, toServer);
    const [a, b] = await Promise.all([client.call("ECHO", ["x y", "z"]), client.call("ECHO", [null])]);
    expect(a).toEqual(["0", "x y", "z"]);
    expect(b).toEqual(["0", "NULL"]);
    expect(client.pendingCount).toBe(0);
  });

  it("keeps a thousand calls in flight and matches every result to its request", async () => {
    const slow: GahpCommand = {
      kind: "async",
      name: "SLOW",
      args: 1,
      handle: (args) =>
        new Promise<ResultFields>((resolve) =>
          setTimeout(() => resolve(["0", args[0] ?? ""]), Math.random() * 20),
        ),
    };
    const { toServer, toClient } = pair([slow]);
    const client = await GahpClient.connect(toClient, toServer);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.call("SLOW", [`v${i}`])));
    expect(results.every((fields, i) => fields[1] === `v${i}`)).toBe(true);
  });

  it("reports E as GahpRequestRejectedError and unlisted commands as unsupported", async () => {
    const { toServer, toClient } = pair([echo]);
    const client = await GahpClient.connect(toClient, toServer);
    await expect(client.call("NOPE")).rejects.toBeInstanceOf(GahpUnsupportedCommandError);
    const narrow: GahpCommand = { kind: "async", name: "ONE", args: 1, handle: () => ["0"] };
    const second = pair([narrow]);
    const other = await GahpClient.connect(second.toClient, second.toServer);
    await expect(other.call("ONE", [])).rejects.toBeInstanceOf(GahpRequestRejectedError);
  });

  it("notifies acceptance (S) before the result", async () => {
    const gate = deferred<ResultFields>();
    const gated: GahpCommand = { kind: "async", name: "GATED", args: 0, handle: () => gate.promise };
    const { toServer, toClient } = pair([gated]);
    const client = await GahpClient.connect(toClient, toServer);
    const events: string[] = [];
    const done = client
      .call("GATED", [], { onAccepted: () => events.push("accepted") })
      .then(() => events.push("result"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(["accepted"]);
    gate.resolve(["0"]);
    await done;
    expect(events).toEqual(["accepted", "result"]);
  });

  it("times a call out without disturbing the others", async () => {
    const never: GahpCommand = { kind: "async", name: "NEVER", args: 0, handle: () => new Promise(() => {}) };
    const { toServer, toClient } = pair([never, echo]);
    const client = await GahpClient.connect(toClient, toServer);
    await expect(client.call("NEVER", [], { timeoutMs: 30 })).rejects.toBeInstanceOf(GahpTimeoutError);
    await expect(client.call("ECHO", ["ok"])).resolves.toEqual(["0", "ok"]);
  });

  it("polls RESULTS when the server has no async mode", async () => {
    const { toServer, toClient } = pair([echo]);
    // Drop ASYNC_MODE_ON from the COMMANDS reply by filtering the server's output.
    const filtered = new PassThrough();
    toClient.on("data", (chunk: Buffer) => {
      filtered.write(chunk.toString("utf8").replace(" ASYNC_MODE_ON ", " "));
    });
    const client = await GahpClient.connect(filtered, toServer, { pollIntervalMs: 5 });
    expect(client.asyncMode).toBe(false);
    await expect(client.call("ECHO", ["polled"])).resolves.toEqual(["0", "polled"]);
  });

  it("rejects every pending call when the server goes away", async () => {
    const never: GahpCommand = { kind: "async", name: "NEVER", args: 0, handle: () => new Promise(() => {}) };
    const { toServer, toClient } = pair([never]);
    const client = await GahpClient.connect(toClient, toServer);
    const calls = [client.call("NEVER"), client.call("NEVER"), client.call("NEVER")];
    await new Promise((resolve) => setTimeout(resolve, 10));
    toClient.end();
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(GahpServerDiedError);
    await expect(client.call("NEVER")).rejects.toBeInstanceOf(GahpServerDiedError);
  });

  it("declares a server that stops answering dead after the response timeout", async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    toClient.write(`${BANNER}\n`);
    // This "server" never answers COMMANDS.
    await expect(GahpClient.connect(toClient, toServer, { responseTimeoutMs: 40 })).rejects.toBeInstanceOf(
      GahpTimeoutError,
    );
  });
});

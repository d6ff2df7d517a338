import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { spawnGahpServer } from "../../src/cli/gahp-server-process.js";
import { gahpBanner } from "../../src/version.js";
import { GAHP_BIN, PROTOCOL_LINE, RawGahp, ROOT, requireBuild } from "./raw-gahp.js";

const STANDARD = [
  "ASYNC_MODE_ON",
  "ASYNC_MODE_OFF",
  "RESULTS",
  "QUIT",
  "VERSION",
  "COMMANDS",
  "RESPONSE_PREFIX",
  "CONDOR_VERSION",
  "STATISTICS",
];

let running: RawGahp[] = [];

function start(args: readonly string[] = [], env: Record<string, string> = {}): RawGahp {
  const gahp = new RawGahp(args, env);
  running.push(gahp);
  return gahp;
}

/** Every stdout line is a protocol line: nothing else ever reaches the channel. */
function expectOnlyProtocol(gahp: RawGahp): void {
  const stray = gahp.lines.filter((line) => !PROTOCOL_LINE.test(line));
  expect(stray).toEqual([]);
  expect(gahp.stdout.endsWith("\n") || gahp.stdout === "").toBe(true);
}

interface Conversation {
  replies: string[];
  /** Result lines, in the order RESULTS delivered them. */
  results: string[];
  /** Output positions of R lines, and of the replies to RESULTS. */
  rAt: number[];
  resultsAt: number[];
}

/**
 * Walks the output against the requests sent: each request has exactly one reply, `R` may come
 * between replies, and a reply to RESULTS is followed by exactly its count of result lines.
 */
function walk(requests: readonly string[], output: readonly string[], prefix = ""): Conversation {
  const strip = (line: string | undefined): string => {
    if (line === undefined) throw new Error("output ended early");
    return prefix !== "" && line.startsWith(prefix) ? line.slice(prefix.length) : line;
  };
  const conversation: Conversation = { replies: [], results: [], rAt: [], resultsAt: [] };
  let at = 0;
  for (const request of requests) {
    while (strip(output[at]) === "R") conversation.rAt.push(at++);
    const reply = strip(output[at]);
    conversation.replies.push(reply);
    if (request.split(" ")[0]?.toUpperCase() === "RESULTS") {
      conversation.resultsAt.push(at);
      const count = Number(/^S (\d+)$/.exec(reply)?.[1]);
      expect(Number.isInteger(count)).toBe(true);
      for (let i = 1; i <= count; i++) {
        const line = strip(output[at + i]);
        expect(line).toMatch(/^[1-9][0-9]* /);
        conversation.results.push(line);
      }
      at += count;
    }
    at++;
  }
  while (at < output.length && strip(output[at]) === "R") conversation.rAt.push(at++);
  expect(output.slice(at)).toEqual([]);
  return conversation;
}

beforeAll(() => requireBuild());

afterEach(() => {
  for (const gahp of running) gahp.kill();
  running = [];
});

describe("annex-gahp: the gridmanager's startup sequence", () => {
  it("banner, COMMANDS, CONDOR_VERSION, RESPONSE_PREFIX GAHP: (unprefixed S), ASYNC_MODE_ON, then prefixed traffic", async () => {
    const gahp = start(["-f", "-s", "ANNEX_GAHP", "-w", "1", "-m", "1", "-d", "D_ALWAYS"]);
    expect((await gahp.waitForLines(1))[0]).toBe(gahpBanner());
    gahp.request("COMMANDS");
    const commands = (await gahp.waitForLines(2))[1] ?? "";
    expect(commands.split(" ")).toEqual([
      "S",
      ...STANDARD,
      "ANNEX_PING",
      "ANNEX_SETUP",
      "ANNEX_CREATE",
      "ANNEX_STATUS",
      "ANNEX_JOBS",
      "ANNEX_EXTEND",
      "ANNEX_DELETE",
      "ANNEX_LIST",
    ]);
    gahp.request("CONDOR_VERSION $CondorVersion:\\ 24.0.1\\ 2024-10-31\\ BuildID:\\ 1\\ $");
    expect((await gahp.waitForLines(3))[2]).toMatch(/^S \$CondorVersion:\\ 0\.1\.0\\ /);
    gahp.request("RESPONSE_PREFIX GAHP:");
    expect((await gahp.waitForLines(4))[3]).toBe("S");
    gahp.request("ASYNC_MODE_ON");
    expect((await gahp.waitForLines(5))[4]).toBe("GAHP:S");
    gahp.request("ANNEX_PING 7");
    expect((await gahp.waitForLines(7)).slice(5)).toEqual(["GAHP:S", "GAHP:R"]);
    gahp.request("RESULTS");
    const lines = await gahp.waitForLines(9);
    expect(lines[7]).toBe("GAHP:S 1");
    expect(lines[8]).toMatch(/^GAHP:7 0 \[\\ GahpVersion\\ =\\ "0\.1\.0";/);
    gahp.request("QUIT");
    expect((await gahp.waitForLines(10))[9]).toBe("GAHP:S");
    expect(await gahp.exited).toEqual({ code: 0, signal: null });
    expect(gahp.lines).toHaveLength(10);
    expectOnlyProtocol(gahp);
  });

  it("is driven to the end by GahpClient: startup, calls, STATISTICS, QUIT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "annex-gahp-client-"));
    const client = await spawnGahpServer(process.execPath, [GAHP_BIN, "-l", dir], {
      env: { ...process.env, _CONDOR_ANNEX_GAHP_LOG: "" },
    });
    expect(client.asyncMode).toBe(true);
    expect(client.banner).toBe(gahpBanner());
    const results = await Promise.all(Array.from({ length: 50 }, () => client.call("ANNEX_PING")));
    expect(results.every((fields) => fields[0] === "0")).toBe(true);
    expect((await client.command("STATISTICS")).fields).toEqual(["0", "0", "0", "0"]);
    await client.quit();
    expect(client.process?.exitCode).toBe(0);
    // -l names the log directory; the file is named after the subsystem.
    expect(readFileSync(join(dir, "AnnexGahpLog"), "utf8")).toMatch(
      /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d annex-gahp /m,
    );
  });
});

describe("annex-gahp: hostile input", () => {
  it("answers garbage, binary lines, unknown commands and wrong argument counts with E, one line each", async () => {
    const gahp = start();
    await gahp.waitForLines(1);
    const requests: (string | Buffer)[] = [
      "",
      "   \t ",
      "BOGUS_COMMAND 1",
      "EC2_VM_START 1 https://ec2.example AKF SKF",
      "COMMANDS extra",
      "RESULTS 1",
      "ASYNC_MODE_ON now",
      "RESPONSE_PREFIX",
      "CONDOR_VERSION",
      "QUIT please",
      "ANNEX_PING",
      "ANNEX_PING 0",
      "ANNEX_PING -4",
      "ANNEX_PING 1.5",
      "ANNEX_PING x",
      "ANNEX_PING 3 10 20",
      "ANNEX_PING 99999999999999999999",
      "\\",
      "continued\\\nline",
    ];
    for (let i = 0; i < 30; i++) {
      // Random bytes, minus LF and backslash so each is exactly one line.
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(Math.random() * 300) }, () => Math.floor(Math.random() * 256)),
      );
      requests.push(Buffer.from(bytes.filter((b) => b !== 0x0a && b !== 0x5c)));
    }
    for (const request of requests) gahp.send(Buffer.concat([Buffer.from(request), Buffer.from("\r\n")]));
    gahp.request("VERSION");
    const lines = await gahp.waitForLines(1 + requests.length + 1);
    expect(lines.slice(1, 1 + requests.length).every((line) => line === "E")).toBe(true);
    expect(lines[1 + requests.length]).toMatch(/^S \$GahpVersion/);
    expect(gahp.child.exitCode).toBeNull();
    expectOnlyProtocol(gahp);
  });

  it("answers a 10 MB line with E without dying, and carries on", async () => {
    const gahp = start();
    await gahp.waitForLines(1);
    gahp.request("ANNEX_PING 1");
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x41);
    huge.write("ANNEX_PING 2 ", 0);
    gahp.send(huge);
    gahp.send("\r\n");
    gahp.request("ANNEX_PING 3", "RESULTS");
    const lines = await gahp.waitForLines(7, 30_000);
    expect(lines.slice(1)).toEqual([
      "S",
      "E",
      "S",
      "S 2",
      expect.stringMatching(/^1 0 /),
      expect.stringMatching(/^3 0 /),
    ]);
    expect(gahp.log()).toContain("exceeds the limit");
    expectOnlyProtocol(gahp);
  });

  it("honours a configured line limit (_CONDOR_ANNEX_GAHP_MAX_LINE_LENGTH)", async () => {
    const gahp = start([], { _CONDOR_ANNEX_GAHP_MAX_LINE_LENGTH: "2048" });
    await gahp.waitForLines(1);
    gahp.request(`ANNEX_PING 1 ${"9".repeat(3000)}`, "ANNEX_PING 2");
    expect((await gahp.waitForLines(3)).slice(1)).toEqual(["E", "S"]);
  });

  it("keeps RESULTS, R and replies straight while work is pending and results arrive", async () => {
    const gahp = start();
    await gahp.waitForLines(1);
    // The helper reads requests once its command table is loaded (the banner comes first);
    // wait for that, so the bursts below interleave with results as intended.
    gahp.request("COMMANDS");
    await gahp.waitForLines(2);
    const requests = ["RESPONSE_PREFIX GAHP:", "ASYNC_MODE_ON"];
    for (let id = 1; id <= 300; id++) {
      requests.push(`ANNEX_PING ${id} ${Math.floor(Math.random() * 40)}`);
      if (id % 10 === 0) requests.push("RESULTS");
      if (id % 37 === 0) requests.push(`ANNEX_PING ${id - 1}`); // maybe still in flight: E or S
    }
    // Send in bursts, so results keep arriving between them.
    for (let i = 0; i < requests.length; i += 25) {
      gahp.request(...requests.slice(i, i + 25));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Collect whatever is left: wait for the pings to finish, then one last RESULTS.
    await new Promise((resolve) => setTimeout(resolve, 200));
    requests.push("RESULTS");
    gahp.request("RESULTS");
    let conversation: Conversation | undefined;
    for (let tries = 0; tries < 100 && conversation === undefined; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        conversation = walk(requests, gahp.lines.slice(2), "GAHP:");
      } catch {
        conversation = undefined;
      }
    }
    if (conversation === undefined) conversation = walk(requests, gahp.lines.slice(2), "GAHP:");
    // One reply per request line.
    expect(conversation.replies).toHaveLength(requests.length);
    // Every ping the server accepted produced exactly one result line.
    const accepted = requests.filter(
      (r, i) => r.startsWith("ANNEX_PING") && conversation?.replies[i] === "S",
    );
    const resultIds = conversation.results.map((line) => line.split(" ")[0]);
    expect(resultIds).toHaveLength(accepted.length);
    expect(new Set(resultIds).size).toBe(300);
    // The R rule: never two R without a RESULTS between them.
    const events = [
      ...conversation.rAt.map((at) => ({ at, kind: "R" })),
      ...conversation.resultsAt.map((at) => ({ at, kind: "RESULTS" })),
    ]
      .sort((a, b) => a.at - b.at)
      .map((event) => event.kind);
    expect(events.some((kind, i) => kind === "R" && events[i + 1] === "R")).toBe(false);
    expect(events.filter((kind) => kind === "R").length).toBeGreaterThan(0);
    expectOnlyProtocol(gahp);
  });
});

describe("annex-gahp: ending", () => {
  it("on stdin EOF with requests in flight: every line answered, running work finished and logged, exit 0", async () => {
    const gahp = start();
    await gahp.waitForLines(1);
    const requests: string[] = [];
    for (let id = 1; id <= 40; id++)
      requests.push(id % 2 === 0 ? `ANNEX_PING ${id} 300` : `ANNEX_PING ${id}`);
    gahp.request(...requests);
    gahp.closeInput();
    expect(await gahp.exited).toEqual({ code: 0, signal: null });
    expect(gahp.lines.slice(1)).toEqual(requests.map(() => "S"));
    const log = gahp.log();
    // Nothing acknowledged is lost: the delayed ones finished during the drain, the rest were queued.
    expect(log.match(/result after shutdown began \(not deliverable\): \d+ 0 /g)).toHaveLength(20);
    expect(log.match(/result never collected: \d+ 0 /g)).toHaveLength(20);
    expect(log).toContain("exiting (eof)");
    expectOnlyProtocol(gahp);
  });

  it("answers a final line that has no line end before exiting on EOF", async () => {
    const gahp = start();
    await gahp.waitForLines(1);
    gahp.send("VERSION");
    gahp.closeInput();
    expect(await gahp.exited).toEqual({ code: 0, signal: null });
    expect(gahp.lines[1]).toMatch(/^S \$GahpVersion/);
  });

  it("writes nothing after the S to QUIT and ignores what follows it", async () => {
    const gahp = start();
    await gahp.waitForLines(1);
    gahp.request("QUIT", "VERSION", "ANNEX_PING 1");
    expect(await gahp.exited).toEqual({ code: 0, signal: null });
    expect(gahp.lines.slice(1)).toEqual(["S"]);
  });

  it("on SIGTERM finishes running work (logged), then exits 0", async () => {
    const gahp = start();
    await gahp.waitForLines(1);
    gahp.request("ANNEX_PING 5 300");
    await gahp.waitForLines(2);
    gahp.child.kill("SIGTERM");
    expect(await gahp.exited).toEqual({ code: 0, signal: null });
    const log = gahp.log();
    expect(log).toContain("received SIGTERM");
    expect(log).toMatch(/result after shutdown began \(not deliverable\): 5 0 /);
    expect(log).toContain("exiting (signal)");
  });

  it("exits when its parent dies, even though its stdin stays open", async () => {
    // The parent starts annex-gahp on *our* stdin pipe, prints its pid, and is then killed.
    const parent = spawn(
      process.execPath,
      [
        "-e",
        `const c = require("node:child_process").spawn(process.execPath, [${JSON.stringify(GAHP_BIN)}], { stdio: ["inherit", "ignore", "ignore"] });
         process.stdout.write(String(c.pid) + "\\n"); setInterval(() => {}, 1000);`,
      ],
      {
        stdio: ["pipe", "pipe", "inherit"],
        env: {
          ...process.env,
          _CONDOR_ANNEX_GAHP_LOG: join(mkdtempSync(join(tmpdir(), "annex-orphan-")), "log"),
        },
      },
    );
    const pid = await new Promise<number>((resolve) =>
      parent.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    parent.kill("SIGKILL");
    const deadline = Date.now() + 5000;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const orphanSurvived = alive();
    if (orphanSurvived) process.kill(pid, "SIGKILL");
    parent.stdin?.end();
    expect(orphanSurvived).toBe(false);
  });
});

describe("annex-gahp: stdout is the protocol channel", () => {
  it("sends console output and stray stdout writes from inside the process to the log", async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), "annex-gahp-stray-")), "log");
    const entry = join(ROOT, "dist/src/annex-gahp/main.js");
    // Start the helper in-process, then make noise the way a library might.
    const script = `import(${JSON.stringify(entry)}).then((m) => {
      m.main([]);
      console.log("console noise");
      console.error("console error noise");
      process.stdout.write("raw noise\\n");
    });`;
    const child = spawn(process.execPath, ["-e", script], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, _CONDOR_ANNEX_GAHP_LOG: logFile },
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stdin.end("VERSION\r\nQUIT\r\n");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(stdout.split("\n").filter((line) => line !== "")).toEqual([
      gahpBanner(),
      expect.stringMatching(/^S \$GahpVersion/),
      "S",
    ]);
    const log = readFileSync(logFile, "utf8");
    expect(log).toContain("console noise");
    expect(log).toContain("console error noise");
    expect(log).toContain("stray output diverted from stdout: raw noise");
  });
});

describe("annex-gahp: launch arguments and log", () => {
  it("accepts -f -l -s -d -w -m, logs full debug to <logdir>/AnnexGahpLog in HTCondor format, with D_PID", async () => {
    const dir = mkdtempSync(join(tmpdir(), "annex-gahp-log-"));
    const gahp = start(
      ["-f", "-l", dir, "-s", "ANNEX_GAHP", "-d", "D_FULLDEBUG D_PID", "-w", "1", "-m", "4"],
      {
        _CONDOR_ANNEX_GAHP_LOG: "",
      },
    );
    await gahp.waitForLines(1);
    gahp.request("VERSION", "QUIT");
    expect(await gahp.exited).toEqual({ code: 0, signal: null });
    const log = readFileSync(join(dir, "AnnexGahpLog"), "utf8");
    const lines = log.trimEnd().split("\n");
    expect(lines.every((line) => /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d \(pid:\d+\) /.test(line))).toBe(true);
    expect(log).toContain("<- VERSION");
    expect(log).toContain("-> S $GahpVersion");
  });

  it("rotates its log by size (_CONDOR_MAX_ANNEX_GAHP_LOG)", async () => {
    const gahp = start(["-d", "D_FULLDEBUG"], { _CONDOR_MAX_ANNEX_GAHP_LOG: "4000" });
    await gahp.waitForLines(1);
    gahp.request(...Array.from({ length: 200 }, (_, i) => `ANNEX_PING ${i + 1}`), "QUIT");
    expect(await gahp.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(`${gahp.logFile}.old`)).toBe(true);
    expect(readFileSync(gahp.logFile).length).toBeLessThanOrEqual(4000);
  });
});

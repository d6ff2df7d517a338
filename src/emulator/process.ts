/**
 * Starting and driving the emulator process (moto 5.2.1 + emulator/annex_moto) from Node,
 * without any dependency on vitest, so that `npm run emulator` can use it too.
 * `condor-annex demo`, `npm run emulator` and the e2e harness (test/support/emulator.ts) use it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensurePythonEnv, repoRoot } from "./python-env.js";

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** Directory for the server log (default `.emulator-logs/` in the repository). */
  logDir?: string;
  /**
   * Seconds between background alarm evaluations on the real clock. Default: the environment's
   * `ANNEX_EMULATOR_EVALUATE_EVERY`, else 0 = off, so that tests are deterministic and alarms
   * move only through `advance()`/`evaluateNow()`. `npm run emulator` uses 10.
   */
  realTimeEvaluationSeconds?: number;
  /** How long to wait for the server to answer (default 60 s). */
  startTimeoutMs?: number;
  /** Extra environment for the server (e.g. `ANNEX_LAMBDA_WORKDIR`, where Lambda code is unpacked). */
  env?: NodeJS.ProcessEnv;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The server's process id. */
  pid: number;
  /** The server's combined stdout/stderr. */
  logFile: string;
  /** Clears every moto backend and the extension's state (alarm clock offset, Lambda cache). */
  reset(): Promise<void>;
  /**
   * Moves the extension's alarm clock forward by `seconds` and evaluates every alarm once at
   * the new time (transitions publish to SNS and run Lambda subscribers before this resolves).
   */
  advance(seconds: number): Promise<void>;
  /** Evaluates every alarm once at the current (possibly advanced) clock. */
  evaluateNow(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

/** What a test file runs against; provided by the e2e global setup under `annexAwsTarget`. */
export interface AwsTarget {
  /** `moto-ext`: our emulator; `external`: AWS_ENDPOINT_URL was set; `real-aws`: ANNEX_TEST_REAL_AWS=1. */
  kind: "moto-ext" | "external" | "real-aws" | "unavailable";
  /** Endpoint URL for SDK clients; undefined for a real account. */
  endpoint?: string;
  /** Why the target is unavailable, or a note on what it lacks. */
  reason?: string;
  /** Server log file (moto-ext only). */
  logFile?: string;
}

async function postJson(endpoint: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${endpoint}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? "" : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} → HTTP ${response.status}: ${text.slice(0, 500)}`);
  try {
    return text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return text;
  }
}

/** Resets moto (`/moto-api/reset`) and the extension (`/moto-api/ext/reset`) at `endpoint`. */
export async function resetEmulator(endpoint: string): Promise<void> {
  await postJson(endpoint, "/moto-api/reset");
  await postJson(endpoint, "/moto-api/ext/reset");
}

/** Advances the extension's alarm clock at `endpoint` by `seconds` and evaluates all alarms once. */
export async function advanceEmulator(endpoint: string, seconds: number): Promise<void> {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`advance: seconds must be a finite number ≥ 0, got ${seconds}`);
  }
  await postJson(endpoint, "/moto-api/ext/alarms/evaluate", { advanceSeconds: seconds });
}

function waitForReadyLine(child: ChildProcess, timeoutMs: number, logFile: string): Promise<number> {
  return new Promise((resolveReady, rejectReady) => {
    let buffered = "";
    const fail = (message: string) => {
      clearTimeout(timer);
      rejectReady(new Error(`${message} (server log: ${logFile})`));
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(`the emulator did not print READY within ${timeoutMs} ms`);
    }, timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const match = /^READY (\d+)$/m.exec(buffered);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolveReady(Number.parseInt(match[1], 10));
      }
    });
    child.once("error", (error) => fail(`could not start the emulator: ${error.message}`));
    child.once("exit", (code, signal) =>
      fail(`the emulator exited before READY (code ${code}, signal ${signal})`),
    );
  });
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/ext/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the emulator at ${endpoint} does not answer`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

function defaultEvaluationInterval(): number {
  const configured = Number(process.env.ANNEX_EMULATOR_EVALUATE_EVERY ?? "0");
  return Number.isFinite(configured) && configured > 0 ? configured : 0;
}

/**
 * Starts moto with the extension on 127.0.0.1 on a free port and resolves once it answers.
 * The server also exits when this Node process dies (it watches its stdin pipe).
 */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const { python } = await ensurePythonEnv();
  const logDir = opts.logDir ?? join(repoRoot, ".emulator-logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(
    logDir,
    `emulator-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.log`,
  );
  const log = createWriteStream(logFile);
  const child = spawn(
    python,
    [
      join(repoRoot, "emulator", "launch.py"),
      "--port",
      "0",
      "--watch-stdin",
      "--real-time-evaluation",
      String(opts.realTimeEvaluationSeconds ?? defaultEvaluationInterval()),
    ],
    {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        PYTHONUNBUFFERED: "1",
        PYTHONDONTWRITEBYTECODE: "1",
        // Lambda handlers run with the node that runs us, wherever PATH points.
        ANNEX_LAMBDA_NODE: process.env.ANNEX_LAMBDA_NODE ?? process.execPath,
        ...opts.env,
      },
    },
  );
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const port = await waitForReadyLine(child, timeoutMs, logFile);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, timeoutMs);
  const pid = child.pid ?? -1;
  let stopped = false;
  return {
    endpoint,
    pid,
    logFile,
    reset: () => resetEmulator(endpoint),
    advance: (seconds) => advanceEmulator(endpoint, seconds),
    evaluateNow: () => advanceEmulator(endpoint, 0),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killer);
      }
      log.end();
    },
  };
}

/**
 * Decides the target from the environment, before anything is started:
 * `AWS_ENDPOINT_URL` set → `external`; `ANNEX_TEST_REAL_AWS=1` → `real-aws`;
 * `ANNEX_TEST_TARGET=localstack` → `unavailable` until the e2e global setup finds a Docker engine
 * and starts LocalStack (test/support/localstack.ts); otherwise undefined (start moto).
 */
export function targetFromEnvironment(env: NodeJS.ProcessEnv = process.env): AwsTarget | undefined {
  const endpoint = env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && endpoint.length > 0) {
    return { kind: "external", endpoint, reason: `AWS_ENDPOINT_URL=${endpoint} is set; no emulator started` };
  }
  if (env.ANNEX_TEST_REAL_AWS === "1") {
    return { kind: "real-aws", reason: "ANNEX_TEST_REAL_AWS=1: tests run against a real AWS account" };
  }
  if (env.ANNEX_TEST_TARGET === "localstack") {
    return {
      kind: "unavailable",
      reason:
        "ANNEX_TEST_TARGET=localstack needs a Docker engine (LocalStack runs only in a container); " +
        "none is available here. Start LocalStack elsewhere and set AWS_ENDPOINT_URL instead.",
    };
  }
  return undefined;
}

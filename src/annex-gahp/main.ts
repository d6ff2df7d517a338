import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { format } from "node:util";
import type { ClassAd } from "../classad/classad.js";
import { DEFAULT_MAX_LOG_BYTES, HTCondorLog, type LogDestination } from "../condor/log-file.js";
import type { ClassAdCodec } from "../gahp/classad-command.js";
import {
  type GahpLaunchOptions,
  parseDebugFlags,
  parseGahpLaunchArgs,
  subsystemLogName,
  wantsFullDebug,
} from "../gahp/launch-options.js";
import { pingCommand } from "../gahp/ping-command.js";
import {
  type CloseReason,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_REQUESTS_IN_FLIGHT,
  GahpServer,
} from "../gahp/server.js";
import { GahpStatistics } from "../gahp/statistics.js";
import type { GahpCommand } from "../gahp/types.js";
import { boundRegExpBacktracking } from "../regexp-guard.js";
import { condorVersionString, gahpBanner, VERSION } from "../version.js";

/**
 * annex-gahp: the GAHP server process. Wires the protocol core (src/gahp) to stdin/stdout, the
 * HTCondor-style log, signals and the annex commands. See docs/protocol.md.
 */

/** Name of the liveness command every annex-gahp offers. */
export const PING_COMMAND = "ANNEX_PING";

/** The helper's settings, from launch arguments and `_CONDOR_*` environment knobs. */
export interface AnnexGahpSettings {
  readonly log: LogDestination;
  readonly maxLogBytes: number;
  readonly maxLogRotations: number;
  readonly debugFlags: readonly string[];
  readonly maxLineBytes: number;
  readonly drainTimeoutMs: number;
  readonly maxRequestsInFlight: number;
  readonly warnings: readonly string[];
}

/**
 * Resolves settings. Log file, most specific first: `-f <file>`, `_CONDOR_<SUBSYS>_LOG`
 * (a path, or `STDERR`), `-l <dir>`/`<Subsys>Log`, `_CONDOR_LOG`/`<Subsys>Log`, and finally
 * `<tmpdir>/<Subsys>Log.<user>` (as `EC2_GAHP_LOG` defaults to `/tmp/EC2GahpLog.$(USERNAME)`).
 */
export function resolveSettings(launch: GahpLaunchOptions, env: NodeJS.ProcessEnv): AnnexGahpSettings {
  const subsys = launch.subsystem;
  const warnings = [...launch.warnings];
  const knob = (name: string): string | undefined => {
    const value = env[`_CONDOR_${name}`];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const number = (name: string, fallback: number, scale = 1): number => {
    const text = knob(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      warnings.push(
        `_CONDOR_${name}=${JSON.stringify(text)} is not a non-negative number; using ${fallback / scale}`,
      );
      return fallback;
    }
    return Math.floor(value * scale);
  };
  const fileName = subsystemLogName(subsys);
  let log: LogDestination;
  const explicit = launch.logFile ?? knob(`${subsys}_LOG`);
  if (explicit !== undefined) {
    log = explicit.toUpperCase() === "STDERR" ? { kind: "stderr" } : { kind: "file", path: explicit };
  } else {
    const dir = launch.logDir ?? knob("LOG");
    log = {
      kind: "file",
      path: dir !== undefined ? join(dir, fileName) : join(tmpdir(), `${fileName}.${userName()}`),
    };
  }
  return {
    log,
    maxLogBytes: number(`MAX_${subsys}_LOG`, DEFAULT_MAX_LOG_BYTES),
    maxLogRotations: Math.max(1, number(`MAX_NUM_${subsys}_LOG`, 1)),
    debugFlags: [...launch.debugFlags, ...parseDebugFlags(knob(`${subsys}_DEBUG`) ?? "")],
    maxLineBytes: Math.max(1024, number(`${subsys}_MAX_LINE_LENGTH`, DEFAULT_MAX_LINE_BYTES)),
    drainTimeoutMs: number(`${subsys}_SHUTDOWN_TIMEOUT`, DEFAULT_DRAIN_TIMEOUT_MS, 1000),
    maxRequestsInFlight: Math.max(
      1,
      number(`${subsys}_MAX_REQUESTS_IN_FLIGHT`, DEFAULT_MAX_REQUESTS_IN_FLIGHT),
    ),
    warnings,
  };
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "user");
  }
}

/**
 * The new-syntax ClassAd codec handed to the annex commands. src/classad (and chevrotain) is
 * loaded on first use, so startup does not pay for it; `load()` must have resolved before
 * `parse`/`print` are called.
 */
export async function loadClassAdCodec(): Promise<ClassAdCodec<ClassAd>> {
  const [{ parseClassAd }, { unparse }] = await Promise.all([
    import("../classad/parse.js"),
    import("../classad/unparse.js"),
  ]);
  return {
    parse(text) {
      const result = parseClassAd(text);
      if (result.ok) return result;
      return {
        ok: false,
        error: { message: result.error.reason, line: result.error.line, column: result.error.column },
      };
    },
    print: (ad) => unparse(ad.toRecord()),
  };
}

/** What an annex-command module receives from annex-gahp. */
export interface AnnexCommandDeps {
  readonly codec: ClassAdCodec<ClassAd>;
  readonly statistics: GahpStatistics;
  readonly log: (message: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The annex commands, from `./commands/index.js` when that module exists: it exports
 * `annexGahpCommands(deps: AnnexCommandDeps): GahpCommand[]`. Loaded after the banner is
 * written; a failure to load is logged and the helper serves the standard commands alone.
 */
async function loadAnnexCommands(deps: Omit<AnnexCommandDeps, "codec">): Promise<GahpCommand[]> {
  // A computed specifier: the module is optional until the annex engine provides it.
  const specifier = new URL("./commands/index.js", import.meta.url).href;
  let module: unknown;
  try {
    module = await import(specifier);
  } catch (error) {
    // Only the absence of the module itself is expected; a missing import inside it is a fault.
    const missing = (error as { code?: unknown; url?: unknown }).url;
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND" || missing !== specifier) {
      deps.log(
        `cannot load the annex commands: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    return [];
  }
  const factory = (module as { annexGahpCommands?: unknown }).annexGahpCommands;
  if (typeof factory !== "function") {
    deps.log("src/annex-gahp/commands/index.js does not export annexGahpCommands(); no annex commands");
    return [];
  }
  const codec = await loadClassAdCodec();
  const commands: unknown = factory({ ...deps, codec });
  return Array.isArray(commands) ? (commands as GahpCommand[]) : [];
}

/** Entry point of the GAHP helper (bin/annex-gahp.js). */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  boundRegExpBacktracking();
  const settings = resolveSettings(parseGahpLaunchArgs(argv), process.env);
  const wantPid = settings.debugFlags.includes("D_PID");
  const log = new HTCondorLog({
    destination: settings.log,
    maxBytes: settings.maxLogBytes,
    maxRotations: settings.maxLogRotations,
    ...(wantPid ? { pid: process.pid } : {}),
  });
  const write = (message: string): void => log.write(message);

  // stdout is the protocol channel: keep its real writer for the server and send everything
  // else that would print there (console.*, stray library output) to the log.
  const stdout = process.stdout;
  const protocolWrite = stdout.write.bind(stdout) as (
    chunk: string,
    callback?: (error?: Error | null) => void,
  ) => boolean;
  const toLog = (...args: unknown[]): void => write(format(...args));
  console.log = toLog;
  console.info = toLog;
  console.warn = toLog;
  console.error = toLog;
  console.debug = toLog;
  console.trace = toLog;
  stdout.write = ((chunk: unknown) => {
    write(`stray output diverted from stdout: ${String(chunk).trimEnd()}`);
    return true;
  }) as typeof stdout.write;

  write(`annex-gahp ${VERSION} starting (pid ${process.pid}, args ${JSON.stringify(argv)})`);
  for (const warning of settings.warnings) write(`warning: ${warning}`);

  const statistics = new GahpStatistics();
  let stdoutBroken = false;
  let inputPausedForOutput = false;
  const server: GahpServer = new GahpServer({
    banner: gahpBanner(),
    condorVersion: condorVersionString(),
    commands: [pingCommand(PING_COMMAND, VERSION, () => server.runningCount)],
    statistics,
    maxLineBytes: settings.maxLineBytes,
    drainTimeoutMs: settings.drainTimeoutMs,
    maxRequestsInFlight: settings.maxRequestsInFlight,
    log: write,
    ...(wantsFullDebug(settings.debugFlags) ? { debug: write } : {}),
    write: (chunk) => {
      if (stdoutBroken) return;
      // Backpressure: stop reading requests while the client is not reading replies.
      if (!protocolWrite(chunk) && !inputPausedForOutput) {
        inputPausedForOutput = true;
        process.stdin.pause();
        stdout.once("drain", () => {
          inputPausedForOutput = false;
          if (server.state === "running") process.stdin.resume();
        });
      }
    },
    onClosed: (reason) => exit(reason),
  });

  let exiting = false;
  const exit = (reason: CloseReason): void => {
    if (exiting) return;
    exiting = true;
    clearInterval(parentWatch);
    process.stdin.pause();
    const finish = (): void => {
      write(`exiting (${reason})`);
      log.close();
      process.exit(0);
    };
    // Let the last replies (e.g. the S to QUIT) reach the pipe before exiting.
    if (stdoutBroken) finish();
    else {
      protocolWrite("", finish);
      setTimeout(finish, 2000).unref();
    }
  };

  stdout.on("error", (error) => {
    stdoutBroken = true;
    write(`stdout failed (${error.message}); the client has gone`);
    void server.close("eof");
  });
  process.on("uncaughtException", (error) =>
    write(`uncaught exception (continuing): ${error.stack ?? error.message}`),
  );
  process.on("unhandledRejection", (reason) => write(`unhandled rejection (continuing): ${format(reason)}`));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    write(`received ${signal}`);
    if (signals > 1) {
      write("second signal: exiting without waiting for running requests");
      log.close();
      process.exit(0);
    }
    void server.close("signal");
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("SIGHUP", onSignal);

  // When the parent dies this process is re-parented; the ppid change is the signal.
  const parent = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid !== parent) {
      write(`parent process ${parent} has gone`);
      void server.close("parent-exit");
    }
  }, 1000);
  parentWatch.unref();

  server.start();
  void loadAnnexCommands({ statistics, log: write, env: process.env })
    .then((commands) => {
      for (const command of commands) server.register(command);
      if (commands.length > 0) write(`annex commands: ${commands.map((c) => c.name).join(" ")}`);
    })
    .catch((error: unknown) => write(`cannot register the annex commands: ${format(error)}`))
    .finally(() => {
      process.stdin.on("data", (chunk: Buffer) => server.receive(chunk));
      process.stdin.on("end", () => void server.end());
      process.stdin.on("error", (error) => {
        write(`stdin failed: ${error.message}`);
        void server.end();
      });
    });
}

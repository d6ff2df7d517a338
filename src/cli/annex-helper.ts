import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { ClassAd } from "../classad/classad.js";
import { parseClassAd } from "../classad/parse.js";
import { adText, type PlainAd, plainFromAd } from "../classad/plain.js";
import type { KnobSource } from "../condor/knobs.js";
import { GahpClient } from "../gahp/client.js";
import { GahpError, GahpServerDiedError } from "../gahp/errors.js";
import { CliError, EXIT, exitStatusOfCode } from "./exit-codes.js";
import { spawnGahpServer } from "./gahp-server-process.js";

/**
 * condor-annex's side of the helper: it starts annex-gahp (knob `ANNEX_GAHP`, default the
 * `annex-gahp` bin of this installation) with HTCondor's GAHP arguments, performs the
 * gridmanager's startup through {@link GahpClient}, and turns each annex command into a call
 * whose result ad comes back as plain data — or a {@link CliError} with the right exit status.
 */

/** The annex commands of annex-gahp (docs/annex-commands.md). */
export type AnnexCommandName =
  | "ANNEX_SETUP"
  | "ANNEX_CREATE"
  | "ANNEX_STATUS"
  | "ANNEX_JOBS"
  | "ANNEX_EXTEND"
  | "ANNEX_DELETE"
  | "ANNEX_LIST";

/** How to start the helper. */
export interface HelperLaunch {
  readonly command: string;
  readonly args: readonly string[];
  /** Shown in errors: what the user configured (the knob's value or the default bin). */
  readonly description: string;
}

/** The `annex-gahp` bin next to this installation (bin/annex-gahp.js above this module). */
export function defaultHelperPath(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "bin", "annex-gahp.js");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The helper's command line from the knobs: `ANNEX_GAHP` (the program), `ANNEX_GAHP_LOG` (its log
 * file, `-f`), else `LOG` (its log directory, `-l`), and `ANNEX_GAHP_DEBUG` (`-d`). A `.js` helper
 * runs with this Node, so the bin works without an executable bit or a `node` on PATH.
 */
export async function helperLaunch(knobs: KnobSource): Promise<HelperLaunch> {
  const configured = (await knobs.get("ANNEX_GAHP"))?.trim();
  const program = configured !== undefined && configured !== "" ? configured : defaultHelperPath();
  if (program === undefined) {
    throw new CliError(
      "cannot find the annex-gahp helper: set ANNEX_GAHP to its path (e.g. _CONDOR_ANNEX_GAHP=/opt/condor-annex/bin/annex-gahp)",
      EXIT.failure,
    );
  }
  const args = ["-s", "ANNEX_GAHP"];
  const log = (await knobs.get("ANNEX_GAHP_LOG"))?.trim();
  const logDir = (await knobs.get("LOG"))?.trim();
  if (log !== undefined && log !== "") args.push("-f", log);
  else if (logDir !== undefined && logDir !== "") args.push("-l", logDir);
  const debug = (await knobs.get("ANNEX_GAHP_DEBUG"))?.trim();
  if (debug !== undefined && debug !== "") args.push("-d", debug);
  const description = configured !== undefined && configured !== "" ? `ANNEX_GAHP = ${program}` : program;
  if (/\.[cm]?js$/.test(program)) return { command: process.execPath, args: [program, ...args], description };
  return { command: program, args, description };
}

/** A command's result: the ad as printed by the helper, and as plain data. */
export interface AnnexResult {
  readonly ad: ClassAd;
  readonly plain: PlainAd;
}

/** Options of one call. */
export interface AnnexCallOptions {
  /** Default 15 minutes: a create or delete waits up to 9 minutes for its stack. */
  readonly timeoutMs?: number;
}

const DEFAULT_CALL_TIMEOUT_MS = 15 * 60_000;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A running helper, driven through the GAHP protocol. */
export class AnnexHelper {
  private dead = false;

  private constructor(
    private readonly client: GahpClient,
    private readonly description: string,
  ) {
    client.process?.once("exit", () => {
      this.dead = true;
    });
  }

  /** False once the helper process has exited or stopped answering. */
  get alive(): boolean {
    return !this.dead;
  }

  /** Starts the helper process and performs the GAHP startup sequence. */
  static async start(launch: HelperLaunch, env: NodeJS.ProcessEnv = process.env): Promise<AnnexHelper> {
    try {
      const client = await spawnGahpServer(launch.command, launch.args, { env });
      return new AnnexHelper(client, launch.description);
    } catch (error) {
      throw new CliError(
        `cannot start the annex-gahp helper (${launch.description}): ${describeError(error)}`,
        EXIT.failure,
      );
    }
  }

  /** Speaks to a helper over given streams (tests: an in-memory GAHP server). */
  static async connect(
    input: Readable,
    output: Writable,
    description = "in-memory helper",
  ): Promise<AnnexHelper> {
    return new AnnexHelper(await GahpClient.connect(input, output), description);
  }

  /** The underlying GAHP client (for liveness checks and tests). */
  get gahp(): GahpClient {
    return this.client;
  }

  /** Sends `command` with `argument` and returns its result ad; failures become {@link CliError}s. */
  async call(
    command: AnnexCommandName,
    argument: PlainAd,
    options: AnnexCallOptions = {},
  ): Promise<AnnexResult> {
    return this.callText(command, adText(argument), options);
  }

  /** As {@link call}, with the argument ad already printed (new syntax), e.g. job ads kept as expressions. */
  async callText(
    command: AnnexCommandName,
    argument: string,
    options: AnnexCallOptions = {},
  ): Promise<AnnexResult> {
    let fields: string[];
    try {
      fields = await this.client.call(command, [argument], {
        timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      });
    } catch (error) {
      if (error instanceof GahpServerDiedError) this.dead = true;
      const what = error instanceof GahpError ? error.message : describeError(error);
      throw new CliError(`${command} failed in the helper (${this.description}): ${what}`, EXIT.failure);
    }
    const [rc, first, second] = fields;
    if (rc === "0" && first !== undefined) {
      const parsed = parseClassAd(first);
      if (!parsed.ok) {
        throw new CliError(
          `${command}: the helper's result is not a ClassAd (${parsed.error.message}): ${first.slice(0, 200)}`,
          EXIT.failure,
        );
      }
      return { ad: parsed.value, plain: plainFromAd(parsed.value) };
    }
    const code = rc === "1" && first !== undefined ? first : "E_INTERNAL";
    const message = rc === "1" ? (second ?? "") : `unexpected result line: ${fields.join(" ")}`;
    throw new CliError(message === "" ? code : `${message} [${code}]`, exitStatusOfCode(code), code);
  }

  /** Says QUIT and waits for the helper to exit (kills it if it does not answer). */
  async close(): Promise<void> {
    try {
      await Promise.race([
        this.client.quit(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("QUIT timed out")), 15_000).unref(),
        ),
      ]);
    } catch {
      await this.client.close().catch(() => {});
    }
  }
}

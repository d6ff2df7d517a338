/**
 * An in-memory annex-gahp for CLI tests: a real GahpServer (the protocol core) whose annex
 * commands are test functions, connected to condor-annex through AnnexHelper.connect. Records
 * every call (command and argument ad) so tests can assert what the CLI sent.
 */
import { PassThrough, Readable } from "node:stream";
import type { ClassAd } from "../../src/classad/classad.js";
import { parseClassAd } from "../../src/classad/parse.js";
import { adText, type PlainAd, plainFromAd } from "../../src/classad/plain.js";
import { unparse } from "../../src/classad/unparse.js";
import { type AnnexCommandName, AnnexHelper } from "../../src/cli/annex-helper.js";
import type { CliContext } from "../../src/cli/cli-context.js";
import { StaticKnobs } from "../../src/condor/knobs.js";
import { classAdCommand } from "../../src/gahp/classad-command.js";
import { GahpServer } from "../../src/gahp/server.js";
import type { GahpCommand } from "../../src/gahp/types.js";

/** A handler's answer: a result ad, or an error code and message. */
export type FakeOutcome = PlainAd | { readonly error: string; readonly message: string };

export type FakeHandler = (argument: PlainAd, raw: ClassAd) => FakeOutcome | Promise<FakeOutcome>;

export interface FakeCall {
  readonly command: string;
  readonly argument: PlainAd;
  readonly raw: ClassAd;
}

export interface FakeOptions {
  readonly knobs?: Record<string, string>;
  readonly stdinIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
  /** What a person types on stdin. */
  readonly stdin?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: number;
}

const codec = {
  parse(text: string) {
    const result = parseClassAd(text);
    if (result.ok) return result;
    return {
      ok: false as const,
      error: { message: result.error.message, line: result.error.line, column: result.error.column },
    };
  },
  print: (ad: ClassAd) => unparse(ad.toRecord()),
};

/** A CLI context wired to fake annex commands, with captured stdout and stderr. */
export function fakeCli(handlers: Partial<Record<AnnexCommandName, FakeHandler>>, options: FakeOptions = {}) {
  const calls: FakeCall[] = [];
  let stdout = "";
  let stderr = "";
  let helpersStarted = 0;
  const liveServers: PassThrough[] = [];
  const commands: GahpCommand[] = Object.entries(handlers).map(([name, handler]) =>
    classAdCommand<ClassAd, ClassAd>({
      name,
      codec,
      validate: (ad) => ({ ok: true, value: ad }),
      run: async (ad) => {
        const argument = plainFromAd(ad);
        calls.push({ command: name, argument, raw: ad });
        const outcome = await (handler as FakeHandler)(argument, ad);
        if ("error" in outcome && typeof outcome.error === "string" && typeof outcome.message === "string") {
          return { ok: false, code: outcome.error, message: outcome.message };
        }
        const parsed = parseClassAd(adText(outcome as PlainAd));
        if (!parsed.ok) throw new Error(parsed.error.message);
        return { ok: true, ad: parsed.value };
      },
    }),
  );
  const startHelper = async (): Promise<AnnexHelper> => {
    helpersStarted++;
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = new GahpServer({
      banner: "$GahpVersion: 0.1.0 Nov 26 2026 Fake\\ Annex\\ GAHP $",
      condorVersion: "$CondorVersion: 0.1.0 Nov 26 2026 fake $",
      commands,
      write: (chunk) => toClient.write(chunk),
      onClosed: () => toClient.end(),
    });
    toServer.on("data", (chunk: Buffer) => server.receive(chunk));
    toServer.on("end", () => void server.end());
    server.start();
    liveServers.push(toClient);
    return AnnexHelper.connect(toClient, toServer);
  };
  const ctx: CliContext = {
    io: {
      stdout: {
        write: (text) => {
          stdout += text;
        },
      },
      stderr: {
        write: (text) => {
          stderr += text;
        },
      },
      stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
      stdinIsTTY: options.stdinIsTTY ?? false,
      stderrIsTTY: options.stderrIsTTY ?? false,
    },
    knobs: new StaticKnobs({ COLLECTOR_HOST: "cm.example.org:9618", ...(options.knobs ?? {}) }),
    env: options.env ?? {},
    startHelper,
    now: () => options.now ?? Date.now(),
  };
  return {
    ctx,
    calls,
    stdout: () => stdout,
    stderr: () => stderr,
    helpersStarted: () => helpersStarted,
    /** Makes every running helper vanish (its output ends, as when the process dies). */
    killHelpers: () => {
      for (const stream of liveServers.splice(0)) stream.end();
    },
  };
}

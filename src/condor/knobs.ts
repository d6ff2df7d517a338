import { execFile } from "node:child_process";

/**
 * HTCondor configuration knobs, read the HTCondor way: through `condor_config_val` when HTCondor
 * is installed (which also applies `_CONDOR_<KNOB>` environment overrides), else from
 * `_CONDOR_<KNOB>` in the environment alone. Command-line flags override both (the caller
 * applies them).
 *
 * Values are **expanded** (`$(LOG)`, `$(CONDOR_ANNEX_HOME)` replaced), as HTCondor daemons see
 * them: `condor_config_val -dump` alone prints raw values. One
 * `condor_config_val -dump -expanded -verbose ^<prefix>` call is made per prefix and cached, so
 * a process that reads twenty knobs runs the tool a few times.
 *
 * HTCondor ships built-in defaults for many `ANNEX_*` knobs — those of its own condor_annex
 * (`ANNEX_DEFAULT_LEASE_DURATION = 3000`, `ANNEX_GAHP = $(EC2_GAHP)`, …). They are not ours:
 * an `ANNEX_*` knob counts only when a config file or the environment sets it (`-verbose` says
 * where each value comes from; built-ins say `<Default>`). Other knobs (`LOG`,
 * `COLLECTOR_HOST`, …) keep HTCondor's defaults, which are the pool's real settings.
 */
export interface KnobSource {
  /** The knob's value, or undefined when it is not set anywhere. Names are case-insensitive. */
  get(name: string): Promise<string | undefined>;
  /** Forgets what was read, so the next `get` reads the configuration again (condor_reconfig). */
  reload?(): void;
}

/** Runs a program: its stdout, or why it could not run (`missing` when the program is not installed). */
export type RunCommand = (
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
) => Promise<
  | { readonly ok: true; readonly stdout: string }
  | { readonly ok: false; readonly missing: boolean; readonly error: string }
>;

/** The default runner: `execFile` with a timeout. */
export const runCommand: RunCommand = (file, args, env) =>
  new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ ok: true, stdout });
        else
          resolve({
            ok: false,
            missing: (error as NodeJS.ErrnoException).code === "ENOENT",
            error: `${error.message}${stderr === "" ? "" : `: ${stderr.trim()}`}`,
          });
      },
    );
  });

/** One knob as `condor_config_val -verbose` reports it. */
export interface DumpedKnob {
  readonly value: string;
  /** Where it is set: a config file and line, `<Environment>`, or `<Default>` (built in). */
  readonly source: string | undefined;
}

/**
 * Parses `condor_config_val -dump [-expanded] [-verbose]` output: `NAME = value` lines, each
 * maybe followed by ` # at: <source>`, ` # raw: …`, ` # default: …` lines; `#` comments and
 * blank lines. Names are upper-cased; the value is everything after the first ` = `, trimmed.
 */
export function parseConfigDump(text: string): Map<string, DumpedKnob> {
  const knobs = new Map<string, DumpedKnob>();
  let last: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    const at = /^# at: (.*)$/.exec(line);
    if (at !== null && last !== undefined) {
      const known = knobs.get(last);
      if (known !== undefined) knobs.set(last, { value: known.value, source: at[1]?.trim() });
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    last = undefined;
    const equals = line.indexOf("=");
    if (equals <= 0) continue;
    const name = line.slice(0, equals).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) continue;
    last = name.toUpperCase();
    knobs.set(last, { value: line.slice(equals + 1).trim(), source: undefined });
  }
  return knobs;
}

/** Whether a dumped knob counts: built-in defaults of `ANNEX_*` knobs belong to HTCondor's own condor_annex. */
function counts(name: string, knob: DumpedKnob): boolean {
  return !(knob.source === "<Default>" && name.startsWith("ANNEX_"));
}

/** Options of {@link HTCondorKnobs}. */
export interface HTCondorKnobsOptions {
  /** The environment to read `_CONDOR_*` overrides from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** The `condor_config_val` program (default: `condor_config_val` on PATH). */
  readonly configVal?: string;
  /** Injected for tests. */
  readonly run?: RunCommand;
  /** Told once when condor_config_val is installed but fails (the values then come from the environment only). */
  readonly warn?: (message: string) => void;
}

/** Knobs from `condor_config_val` (expanded), else `_CONDOR_*` variables. */
export class HTCondorKnobs implements KnobSource {
  private readonly env: NodeJS.ProcessEnv;
  private readonly configVal: string;
  private readonly run: RunCommand;
  private readonly warn: (message: string) => void;
  private readonly dumps = new Map<string, Promise<Map<string, DumpedKnob> | undefined>>();
  private warned = false;

  constructor(options: HTCondorKnobsOptions = {}) {
    this.env = options.env ?? process.env;
    this.configVal = options.configVal ?? "condor_config_val";
    this.run = options.run ?? runCommand;
    this.warn = options.warn ?? (() => {});
  }

  async get(name: string): Promise<string | undefined> {
    const upper = name.toUpperCase();
    const prefix = upper.split("_")[0] ?? upper;
    const dump = await this.dump(prefix);
    if (dump === undefined) return this.fromEnvironment(upper);
    const knob = dump.get(upper);
    return knob !== undefined && counts(upper, knob) ? knob.value : undefined;
  }

  reload(): void {
    this.dumps.clear();
    this.warned = false;
  }

  private fromEnvironment(upper: string): string | undefined {
    for (const [key, value] of Object.entries(this.env)) {
      if (value !== undefined && key.toUpperCase() === `_CONDOR_${upper}`) return value;
    }
    return undefined;
  }

  /** The knobs of one prefix, or undefined when condor_config_val cannot tell (not installed, failing). */
  private dump(prefix: string): Promise<Map<string, DumpedKnob> | undefined> {
    let pending = this.dumps.get(prefix);
    if (!pending) {
      pending = this.run(this.configVal, ["-dump", "-expanded", "-verbose", `^${prefix}`], this.env).then(
        (out) => {
          if (out.ok) return parseConfigDump(out.stdout);
          if (!out.missing && !this.warned) {
            this.warned = true;
            this.warn(`${this.configVal} failed (${out.error}); reading knobs from _CONDOR_* variables only`);
          }
          return undefined;
        },
      );
      this.dumps.set(prefix, pending);
    }
    return pending;
  }
}

/** A fixed set of knobs (tests, and values already resolved). */
export class StaticKnobs implements KnobSource {
  private readonly knobs: Map<string, string>;

  constructor(knobs: Readonly<Record<string, string>>) {
    this.knobs = new Map(Object.entries(knobs).map(([k, v]) => [k.toUpperCase(), v]));
  }

  async get(name: string): Promise<string | undefined> {
    return this.knobs.get(name.toUpperCase());
  }
}

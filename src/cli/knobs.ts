import { execFile } from "node:child_process";

/**
 * HTCondor configuration knobs, read the HTCondor way: an environment variable `_CONDOR_<KNOB>`
 * overrides the configuration files, which are read through `condor_config_val` when HTCondor
 * is installed. Command-line flags override both (the caller applies them).
 *
 * One `condor_config_val -dump <prefix>` call is made per prefix and cached, so a process that
 * reads twenty knobs runs the tool once.
 */
export interface KnobSource {
  /** The knob's value, or undefined when it is not set anywhere. Names are case-insensitive. */
  get(name: string): Promise<string | undefined>;
}

/** Runs a program and returns its stdout, or undefined when it is missing or fails. */
export type RunCommand = (file: string, args: readonly string[]) => Promise<string | undefined>;

/** The default runner: `execFile` with a timeout; a missing program yields undefined. */
export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      resolve(error ? undefined : stdout);
    });
  });

/**
 * Parses `condor_config_val -dump` output: `NAME = value` lines, `#` comments and blank lines.
 * Names are upper-cased; the value is everything after the first ` = `, trimmed.
 */
export function parseConfigDump(text: string): Map<string, string> {
  const knobs = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    if (equals <= 0) continue;
    const name = line.slice(0, equals).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) continue;
    knobs.set(name.toUpperCase(), line.slice(equals + 1).trim());
  }
  return knobs;
}

/** Options of {@link HTCondorKnobs}. */
export interface HTCondorKnobsOptions {
  /** The environment to read `_CONDOR_*` overrides from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** The `condor_config_val` program (default: `condor_config_val` on PATH). */
  readonly configVal?: string;
  /** Injected for tests. */
  readonly run?: RunCommand;
}

/** Knobs from `_CONDOR_*` variables, then `condor_config_val`. */
export class HTCondorKnobs implements KnobSource {
  private readonly env: NodeJS.ProcessEnv;
  private readonly configVal: string;
  private readonly run: RunCommand;
  private readonly dumps = new Map<string, Promise<Map<string, string>>>();

  constructor(options: HTCondorKnobsOptions = {}) {
    this.env = options.env ?? process.env;
    this.configVal = options.configVal ?? "condor_config_val";
    this.run = options.run ?? runCommand;
  }

  async get(name: string): Promise<string | undefined> {
    const upper = name.toUpperCase();
    const fromEnv = this.fromEnvironment(upper);
    if (fromEnv !== undefined) return fromEnv;
    const prefix = upper.split("_")[0] ?? upper;
    return (await this.dump(prefix)).get(upper);
  }

  private fromEnvironment(upper: string): string | undefined {
    for (const [key, value] of Object.entries(this.env)) {
      if (value !== undefined && key.toUpperCase() === `_CONDOR_${upper}`) return value;
    }
    return undefined;
  }

  private dump(prefix: string): Promise<Map<string, string>> {
    let pending = this.dumps.get(prefix);
    if (!pending) {
      pending = this.run(this.configVal, ["-dump", prefix]).then((out) =>
        out === undefined ? new Map<string, string>() : parseConfigDump(out),
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

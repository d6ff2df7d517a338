/**
 * HTCondor's GAHP launch arguments, as ec2_gahp accepts them (getopt `f:l:s:d:w:m:`):
 * `-f [file]`, `-l <logdir>`, `-s <subsystem>`, `-d <debug flags>`, `-w <min workers>`,
 * `-m <max workers>`. Values may also be glued to the option (`-lDIR`). Anything else is kept as
 * a warning, never an error: a GAHP must start whatever its launcher passes.
 */
export interface GahpLaunchOptions {
  /** `-f <file>`: the log file itself (the gridmanager passes `$(EC2_GAHP_LOG)` here). */
  readonly logFile: string | undefined;
  /** `-l <dir>`: the log directory (HTCondor's `$(LOG)`). */
  readonly logDir: string | undefined;
  /** `-s <subsystem>`: names the knobs read (`_CONDOR_<SUBSYS>_LOG`, …); default `ANNEX_GAHP`. */
  readonly subsystem: string;
  /** `-d <flags>`: HTCondor debug flags, e.g. `D_ALWAYS D_PID` or `D_FULLDEBUG,D_PID`. */
  readonly debugFlags: readonly string[];
  readonly minWorkers: number | undefined;
  readonly maxWorkers: number | undefined;
  /** Arguments that were not understood, described for the log. */
  readonly warnings: readonly string[];
}

export const DEFAULT_SUBSYSTEM = "ANNEX_GAHP";

const VALUE_OPTIONS = new Set(["l", "s", "d", "w", "m"]);

/** Parses launch arguments; never fails. */
export function parseGahpLaunchArgs(argv: readonly string[]): GahpLaunchOptions {
  let logFile: string | undefined;
  let logDir: string | undefined;
  let subsystem = DEFAULT_SUBSYSTEM;
  const debugFlags: string[] = [];
  let minWorkers: number | undefined;
  let maxWorkers: number | undefined;
  const warnings: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const letter = /^-([a-zA-Z])/.exec(arg)?.[1];
    if (letter === undefined || arg.startsWith("--")) {
      warnings.push(`ignored argument ${JSON.stringify(arg)}`);
      continue;
    }
    const glued = arg.length > 2 ? arg.slice(2) : undefined;
    if (letter === "f") {
      // ec2_gahp takes a value after -f; condor daemons use a bare -f ("foreground").
      const next = argv[i + 1];
      if (glued !== undefined) logFile = glued;
      else if (next !== undefined && !next.startsWith("-")) {
        logFile = next;
        i++;
      }
      continue;
    }
    if (!VALUE_OPTIONS.has(letter)) {
      warnings.push(`ignored unknown option ${JSON.stringify(arg)}`);
      continue;
    }
    let value = glued;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) {
        warnings.push(`option -${letter} needs a value; ignored`);
        continue;
      }
      i++;
    }
    switch (letter) {
      case "l":
        logDir = value;
        break;
      case "s":
        if (/^[A-Za-z0-9_]+$/.test(value)) subsystem = value.toUpperCase();
        else warnings.push(`subsystem ${JSON.stringify(value)} is not a name; using ${subsystem}`);
        break;
      case "d":
        debugFlags.push(...parseDebugFlags(value));
        break;
      case "w":
      case "m": {
        const count = Number(value);
        if (!Number.isInteger(count) || count < 0) {
          warnings.push(`-${letter} needs a worker count, got ${JSON.stringify(value)}; ignored`);
        } else if (letter === "w") minWorkers = count;
        else maxWorkers = count;
        break;
      }
    }
  }
  return { logFile, logDir, subsystem, debugFlags, minWorkers, maxWorkers, warnings };
}

/** Splits an HTCondor debug-flag list (`D_ALWAYS D_PID`, `D_FULLDEBUG,D_PID`, `D_ALL|D_PID`). */
export function parseDebugFlags(text: string): string[] {
  return text
    .split(/[\s,|]+/)
    .filter((flag) => flag !== "")
    .map((flag) => flag.toUpperCase());
}

/** Whether the flags ask for full debugging (every protocol line logged). */
export function wantsFullDebug(flags: readonly string[]): boolean {
  return flags.some((flag) => flag === "D_FULLDEBUG" || flag === "D_ALL" || flag === "D_ALWAYS:2");
}

/** HTCondor's log file name for a subsystem: `ANNEX_GAHP` → `AnnexGahpLog`. */
export function subsystemLogName(subsystem: string): string {
  return `${subsystem
    .toLowerCase()
    .split("_")
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}Log`;
}

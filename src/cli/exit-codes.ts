/**
 * condor-annex's exit status, so scripts (and condor_master) can tell what went wrong:
 *
 * | status | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | failure reported by AWS or the helper (throttling, access denied, stack failed, helper died, …) |
 * | 2 | usage error or invalid request/configuration: fix the command line, the request or the knob |
 * | 3 | not set up: run `condor-annex setup` first |
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, notSetUp: 3 } as const;

/** One of {@link EXIT}'s values. */
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/** Error codes (annex-gahp's `E_*` result codes) that are the user's to fix, not a failure of AWS. */
const USAGE_CODES = new Set(["E_INVALID_REQUEST", "E_CONFIG"]);

/** The exit status for a helper result code. */
export function exitStatusOfCode(code: string): ExitStatus {
  if (code === "E_NOT_SET_UP") return EXIT.notSetUp;
  if (USAGE_CODES.has(code)) return EXIT.usage;
  return EXIT.failure;
}

/** An error condor-annex reports on stderr before exiting with {@link exitStatus}. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitStatus: ExitStatus,
    /** The helper's result code, when the error came from it. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A usage error (exit status 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

import type { Readable } from "node:stream";

/** Where text goes. */
export interface TextSink {
  write(text: string): void;
}

/**
 * The terminal as condor-annex sees it. Injected, so commands are tested in memory: output is
 * captured, and "is this a TTY" is a flag rather than a property of the test runner.
 */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: Readable;
  /** Whether stdin is a terminal (a person can answer a confirmation). */
  readonly stdinIsTTY: boolean;
  /** Whether stderr is a terminal (progress is shown there, and only then). */
  readonly stderrIsTTY: boolean;
}

/** The process's own terminal. */
export function processIO(): CliIO {
  return {
    stdout: { write: (text) => void process.stdout.write(text) },
    stderr: { write: (text) => void process.stderr.write(text) },
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

import { closeSync, fstatSync, openSync, renameSync, writeSync } from "node:fs";

/** Where log lines go: a file (rotated by size) or stderr. */
export type LogDestination = { readonly kind: "file"; readonly path: string } | { readonly kind: "stderr" };

export interface HTCondorLogOptions {
  readonly destination: LogDestination;
  /** Rotate when the file would exceed this many bytes (HTCondor's `MAX_<SUBSYS>_LOG`); 0 = never. */
  readonly maxBytes: number;
  /** Rotated files kept (HTCondor's `MAX_NUM_<SUBSYS>_LOG`): 1 keeps `<log>.old`, n > 1 keeps `.old`, `.old.1` … */
  readonly maxRotations: number;
  /** Written as `(pid:N)` after the time stamp when set (HTCondor's `D_PID`). */
  readonly pid?: number;
  /** Source of time stamps (local time, as HTCondor writes them). */
  readonly now?: () => Date;
}

/** Default `MAX_<SUBSYS>_LOG`: 10 MiB, as HTCondor's `MAX_DEFAULT_LOG`. */
export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** HTCondor's log time stamp: `MM/DD/YY HH:MM:SS` in local time. */
export function formatLogTimestamp(date: Date): string {
  return (
    `${two(date.getMonth() + 1)}/${two(date.getDate())}/${two(date.getFullYear() % 100)} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}

/**
 * An HTCondor-style log: one line per message, `MM/DD/YY HH:MM:SS [(pid:N) ]message`, written
 * synchronously (a message logged just before exit is not lost), rotated by size. A log that
 * cannot be written falls back to stderr; logging never throws.
 */
export class HTCondorLog {
  private fd: number | undefined;
  private size = 0;
  private readonly now: () => Date;
  private readonly pidText: string;

  constructor(private readonly options: HTCondorLogOptions) {
    this.now = options.now ?? (() => new Date());
    this.pidText = options.pid === undefined ? "" : `(pid:${options.pid}) `;
    if (options.destination.kind === "file") this.open(options.destination.path);
  }

  /** The file being written, or undefined when logging to stderr. */
  get path(): string | undefined {
    return this.options.destination.kind === "file" && this.fd !== undefined
      ? this.options.destination.path
      : undefined;
  }

  /** Writes one message (continuation lines of a multi-line message are indented). */
  write(message: string): void {
    const text = `${formatLogTimestamp(this.now())} ${this.pidText}${message.replace(/\n/g, "\n    ")}\n`;
    if (this.fd === undefined) {
      this.writeStderr(text);
      return;
    }
    const bytes = Buffer.byteLength(text);
    if (this.options.maxBytes > 0 && this.size > 0 && this.size + bytes > this.options.maxBytes)
      this.rotate();
    try {
      if (this.fd === undefined) throw new Error("log closed");
      writeSync(this.fd, text);
      this.size += bytes;
    } catch {
      this.writeStderr(text);
    }
  }

  /** Closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Nothing useful to do: the process is ending.
    }
    this.fd = undefined;
  }

  private open(path: string): void {
    try {
      this.fd = openSync(path, "a", 0o644);
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      this.fd = undefined;
      this.writeStderr(
        `${formatLogTimestamp(this.now())} cannot open log file ${path} (${error instanceof Error ? error.message : String(error)}); logging to stderr\n`,
      );
    }
  }

  private rotate(): void {
    if (this.options.destination.kind !== "file") return;
    const path = this.options.destination.path;
    this.close();
    try {
      const keep = Math.max(1, this.options.maxRotations);
      // .old is the newest rotation, .old.1 the next, … .old.(keep-1) the oldest.
      const names = [`${path}.old`, ...Array.from({ length: keep - 1 }, (_, i) => `${path}.old.${i + 1}`)];
      for (let i = names.length - 1; i > 0; i--) {
        const from = names[i - 1];
        const to = names[i];
        if (from !== undefined && to !== undefined) tryRename(from, to);
      }
      renameSync(path, `${path}.old`);
    } catch {
      // If the rename fails we keep appending to the same file rather than lose messages.
    }
    this.open(path);
  }

  private writeStderr(text: string): void {
    try {
      writeSync(2, text);
    } catch {
      // stderr gone too: drop the message rather than crash the protocol server.
    }
  }
}

function tryRename(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // The older rotation does not exist yet.
  }
}

import { closeSync, openSync, readSync, statSync } from "node:fs";

/**
 * Follows a growing log file (the helper's AnnexGahpLog) and hands each new complete line that
 * matches `pattern` to `onLine`, polling every `intervalMs`. Only lines written after the call
 * count; a file that does not exist yet is waited for. `stop()` reads what is left and stops.
 */
export function followLog(
  path: string,
  pattern: RegExp,
  onLine: (line: string) => void,
  intervalMs = 200,
): { stop: () => void } {
  let offset = 0;
  try {
    offset = statSync(path).size;
  } catch {
    // Not written yet: everything in it will be new.
  }
  let partial = "";
  const poll = () => {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return;
    }
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, offset);
        if (n <= 0) break;
        offset += n;
        partial += buffer.subarray(0, n).toString("utf8");
      }
    } finally {
      closeSync(fd);
    }
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (pattern.test(line)) onLine(line);
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      poll();
    },
  };
}

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

/** oracle.py, found upward from this module (which may be bundled into .run-ts/). */
function findOracle(): string {
  const relative = join("test", "classad", "differential", "oracle.py");
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "oracle.py"))) return join(dir, "oracle.py");
    if (existsSync(join(dir, relative))) return join(dir, relative);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${relative} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

const ORACLE = findOracle();

/**
 * One long-lived Python process running HTCondor's libclassad (classad2) that answers batched
 * requests over stdin/stdout (protocol in oracle.py).
 */
export class ClassAdOracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(python: string) {
    this.child = spawn(python, [ORACLE], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, PYTHONIOENCODING: "utf-8" },
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on("line", (line) => this.waiting.shift()?.(line));
    this.child.stderr.on("data", () => {});
    this.child.stdin.on("error", () => {}); // a dead oracle is reported by the exit handler
    // If libclassad dies (it can crash on some inputs), fail what is pending instead of hanging.
    this.child.on("exit", (code, signal) => {
      const answer = `ORACLE_DIED (${signal ?? `exit ${code}`}) after earlier answers`;
      for (const resolve of this.waiting.splice(0)) resolve(answer);
      this.dead = answer;
    });
  }

  /** Set when the oracle process has ended: every later answer is this text. */
  private dead: string | null = null;

  /** Sends requests (one per element) and resolves with the answers in order. */
  request(requests: readonly string[]): Promise<string[]> {
    if (this.dead !== null) return Promise.resolve(requests.map(() => this.dead as string));
    const answers = requests.map(
      (_, i) =>
        new Promise<string>((resolve) => {
          this.waiting.push(resolve);
          void i;
        }),
    );
    this.child.stdin.write(`${requests.map((r) => r.replace(/\n/g, " ")).join("\n")}\n`);
    return Promise.all(answers);
  }

  /** Ends the process. */
  close(): void {
    this.child.stdin.end();
    this.lines.close();
  }
}

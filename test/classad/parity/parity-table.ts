import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The parity tables: text files of `expression  =>  expected` lines, where `expected` is the value
 * printed exactly as libclassad's new-syntax unparser prints it. Directives:
 *
 *   # comment
 *   MY: [ … ]                    the ad the expressions are evaluated in (new syntax)
 *   TARGET: [ … ]                the other ad of a match (TARGET/other), or `TARGET:` to clear
 *   OPTIONS: semantics=strict circular=error    evaluation options for the following lines
 *   CLEAR                        resets MY, TARGET and OPTIONS
 *
 * `expected` is `?` for a line whose value has not been pinned yet (pin-expectations.ts asks
 * libclassad for it); the test refuses such lines.
 */
export interface ParityCase {
  readonly file: string;
  readonly line: number;
  readonly expression: string;
  readonly expected: string;
  readonly my: string | null;
  readonly target: string | null;
  readonly semantics: "old" | "strict";
  readonly circular: "undefined" | "error";
}

/** The separator between expression and expected value (two spaces each side). */
export const ARROW = "  =>  ";

/** Directory of the table files (found upward from this module, which may be bundled). */
export const PARITY_DIR = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "parity-table.ts"))) return dir;
    const candidate = join(dir, "test", "classad", "parity");
    if (existsSync(join(candidate, "parity-table.ts"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return dirname(fileURLToPath(import.meta.url));
    dir = parent;
  }
})();

/** Reads every `*.txt` table in the directory. */
export function readParityCases(dir = PARITY_DIR): ParityCase[] {
  const cases: ParityCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()) {
    cases.push(...parseParityFile(file, readFileSync(join(dir, file), "utf8")));
  }
  return cases;
}

/** Parses one table file. */
export function parseParityFile(file: string, text: string): ParityCase[] {
  const cases: ParityCase[] = [];
  let my: string | null = null;
  let target: string | null = null;
  let semantics: "old" | "strict" = "old";
  let circular: "undefined" | "error" = "undefined";
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd();
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    if (line === "CLEAR") {
      my = null;
      target = null;
      semantics = "old";
      circular = "undefined";
      return;
    }
    if (line.startsWith("MY:")) {
      const ad = line.slice(3).trim();
      my = ad === "" ? null : ad;
      return;
    }
    if (line.startsWith("TARGET:")) {
      const ad = line.slice(7).trim();
      target = ad === "" ? null : ad;
      return;
    }
    if (line.startsWith("OPTIONS:")) {
      semantics = "old";
      circular = "undefined";
      for (const option of line.slice(8).trim().split(/\s+/)) {
        if (option === "semantics=strict") semantics = "strict";
        else if (option === "semantics=old") semantics = "old";
        else if (option === "circular=error") circular = "error";
        else if (option === "circular=undefined") circular = "undefined";
        else if (option !== "") throw new Error(`${file}:${index + 1}: unknown option ${option}`);
      }
      return;
    }
    const at = line.lastIndexOf(ARROW);
    if (at < 0) throw new Error(`${file}:${index + 1}: expected "expression${ARROW}value", got ${line}`);
    cases.push({
      file,
      line: index + 1,
      expression: line.slice(0, at).trim(),
      expected: line.slice(at + ARROW.length).trim(),
      my,
      target,
      semantics,
      circular,
    });
  });
  return cases;
}

/**
 * Pins the parity tables against HTCondor's libclassad: every line whose expected value is `?`
 * is evaluated by classad2 (the pinned `htcondor` wheel) in the line's MY/TARGET context and the
 * answer is written into the file. With `--check`, lines already pinned are re-evaluated and
 * any disagreement is reported (lines under non-default OPTIONS are skipped: classad2 runs with
 * HTCondor's defaults, old semantics and circular references → undefined).
 *
 * Usage: node scripts/run-ts.mjs test/classad/parity/pin-expectations.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePythonEnv } from "../../support/python-env.js";
import { ClassAdOracle } from "../differential/oracle-client.js";
import { ARROW, PARITY_DIR, readParityCases } from "./parity-table.js";

const check = process.argv.includes("--check");
const { python } = await ensurePythonEnv();
const oracle = new ClassAdOracle(python);
const cases = readParityCases().filter((c) =>
  check ? c.semantics === "old" && c.circular === "undefined" : c.expected === "?",
);
const answers = new Map<string, string>();
for (const c of cases) {
  const [scope, target, answer] = await oracle.request([
    `S\t${c.my ?? "[ ]"}`,
    `T\t${c.target ?? ""}`,
    `E\t${c.expression}`,
  ]);
  // A MY or TARGET ad libclassad cannot parse would pin answers from the wrong context.
  if (scope !== "ok" || target !== "ok") {
    throw new Error(`${c.file}:${c.line}: libclassad refused the MY/TARGET ad (${scope}, ${target})`);
  }
  answers.set(`${c.file}:${c.line}`, answer ?? "");
}
oracle.close();
let mismatches = 0;
const byFile = new Map<string, string[]>();
for (const c of cases) {
  const answer = answers.get(`${c.file}:${c.line}`) ?? "";
  if (check) {
    if (answer !== c.expected) {
      mismatches++;
      console.log(`${c.file}:${c.line}: ${c.expression}\n  table: ${c.expected}\n  libclassad: ${answer}`);
    }
    continue;
  }
  const lines = byFile.get(c.file) ?? readFileSync(join(PARITY_DIR, c.file), "utf8").split("\n");
  lines[c.line - 1] = `${c.expression}${ARROW}${answer}`;
  byFile.set(c.file, lines);
}
for (const [file, lines] of byFile) writeFileSync(join(PARITY_DIR, file), lines.join("\n"));
console.log(check ? `${cases.length} checked, ${mismatches} mismatches` : `${cases.length} pinned`);

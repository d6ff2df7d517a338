/**
 * `condor-annex classad eval` and `condor-annex classad match`: evaluate expressions in the scope
 * of an ad, and decide symmetric matches, printing values exactly as HTCondor's C++ unparser
 * does. With `--batch` both read stdin line by line and write exactly one line per input line,
 * so they can serve as a long-lived coprocess.
 */
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import { ClassAd } from "../classad/classad.js";
import { type EvaluationOptions, Evaluator } from "../classad/evaluate.js";
import { symmetricMatch } from "../classad/match.js";
import { parseClassAd, parseExpression } from "../classad/parse.js";
import { unparse } from "../classad/unparse.js";
import { exprFromValue } from "../classad/value-to-expr.js";

/** Evaluates one expression line in `scope`; the printed value, or `PARSE_ERROR <why>`. */
export function evaluateLine(line: string, scope: ClassAd, evaluator: Evaluator): string {
  const parsed = parseExpression(line, { oldSemantics: evaluator.oldSemantics, inputIsBytes: true });
  if (!parsed.ok) return `PARSE_ERROR ${parsed.error.message}`;
  return unparse(exprFromValue(evaluator.evaluate(parsed.value, scope)));
}

/** Decides one `adA<TAB>adB` line: `true`, `false`, or `PARSE_ERROR <why>`. */
export function matchLine(line: string, evaluator: Evaluator): string {
  const tab = line.indexOf("\t");
  if (tab < 0) return "PARSE_ERROR expected two ads separated by a TAB: adA<TAB>adB";
  const left = parseClassAd(line.slice(0, tab), { inputIsBytes: true });
  if (!left.ok) return `PARSE_ERROR first ad: ${left.error.message}`;
  const right = parseClassAd(line.slice(tab + 1), { inputIsBytes: true });
  if (!right.ok) return `PARSE_ERROR second ad: ${right.error.message}`;
  return String(symmetricMatch(left.value, right.value, {}, evaluator));
}

/** Runs `answer` over every line of `input` (bytes as latin1), writing one line per line. */
export async function answerLines(
  input: Readable,
  write: (text: string) => void,
  answer: (line: string) => string,
): Promise<void> {
  input.setEncoding("latin1");
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) write(`${answer(line)}\n`);
}

/** Reads the scope ad of `--ad FILE` (new syntax), or an empty ad. */
export async function readScopeAd(path: string | undefined): Promise<ClassAd> {
  if (path === undefined) return new ClassAd();
  let text: string;
  try {
    text = await readFile(path, "latin1");
  } catch (cause) {
    throw new Error(
      `--ad ${path}: cannot read the ad file (${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
  const parsed = parseClassAd(text.trim(), { inputIsBytes: true });
  if (!parsed.ok) throw new Error(`--ad ${path}: not a new-syntax ClassAd: ${parsed.error.message}`);
  return parsed.value;
}

interface EvalOptions {
  ad?: string;
  batch?: boolean;
  strict?: boolean;
  circularError?: boolean;
}

function evaluationOptions(opts: EvalOptions): EvaluationOptions {
  return {
    semantics: opts.strict ? "strict" : "old",
    circularReference: opts.circularError ? "error" : "undefined",
  };
}

/** Adds the `eval` and `match` subcommands to the `classad` command. */
export function registerClassAdEvalCommands(classad: Command): void {
  classad
    .command("eval")
    .description(
      "evaluate expressions as attributes of an ad and print their values as libclassad does\n" +
        "(with --batch: one expression per stdin line, one value per output line)",
    )
    .argument("[expressions...]", "expressions to evaluate (new syntax)")
    .option("--ad <file>", "the ad (new syntax) the expressions are evaluated in")
    .option("--batch", "read one expression per line from stdin")
    .option("--strict", "strict ClassAd semantics instead of HTCondor's default old semantics")
    .option("--circular-error", "circular references evaluate to error (HTCondor 24.x) instead of undefined")
    .action(async (expressions: string[], opts: EvalOptions) => {
      let scope: ClassAd;
      try {
        scope = await readScopeAd(opts.ad);
      } catch (cause) {
        process.stderr.write(
          `condor-annex classad eval: ${cause instanceof Error ? cause.message : String(cause)}\n`,
        );
        process.exitCode = 2;
        return;
      }
      const evaluator = new Evaluator(evaluationOptions(opts));
      const write = (text: string) => process.stdout.write(Buffer.from(text, "latin1"));
      if (opts.batch) {
        await answerLines(process.stdin, write, (line) => evaluateLine(line, scope, evaluator));
        return;
      }
      if (expressions.length === 0) {
        process.stderr.write(
          "condor-annex classad eval: give expressions as arguments, or --batch to read stdin\n",
        );
        process.exitCode = 2;
        return;
      }
      for (const e of expressions) {
        const answer = evaluateLine(Buffer.from(e, "utf8").toString("latin1"), scope, evaluator);
        write(`${answer}\n`);
        if (answer.startsWith("PARSE_ERROR")) process.exitCode = 1;
      }
    });

  classad
    .command("match")
    .description("decide symmetric matches of ad pairs: stdin lines adA<TAB>adB → true/false")
    .option("--batch", "read one pair per line from stdin (the only mode)")
    .option("--strict", "strict ClassAd semantics instead of HTCondor's default old semantics")
    .action(async (opts: EvalOptions) => {
      const evaluator = new Evaluator(evaluationOptions(opts));
      await answerLines(
        process.stdin,
        (text) => process.stdout.write(Buffer.from(text, "latin1")),
        (line) => matchLine(line, evaluator),
      );
    });
}

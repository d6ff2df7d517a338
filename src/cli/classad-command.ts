/**
 * `condor-annex classad parse --from new|old|json --to new|old|json`: converts ads on stdin to
 * stdout, the counterpart of HTCondor's classad_eval/classad conversion tools. Exit status 1 and
 * a message naming the ad, line and column when the input does not parse.
 */
import { Command, Option } from "commander";
import { ClassAd } from "../classad/classad.js";
import type { ClassAdSyntaxError } from "../classad/errors.js";
import { formatJsonAds, parseJsonAds } from "../classad/json.js";
import { formatOldAds, parseOldAds } from "../classad/old-format.js";
import { type ParseResult, parseClassAds, parseExpression } from "../classad/parse.js";
import { unparse } from "../classad/unparse.js";
import { registerClassAdEvalCommands } from "./classad-eval-command.js";

/** The three text forms. */
export const CLASSAD_FORMS = ["new", "old", "json"] as const;
export type ClassAdForm = (typeof CLASSAD_FORMS)[number];

/** I/O of one conversion (injected so tests run without a process). */
export interface ConversionIo {
  input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  write: (bytes: Buffer) => void;
}

async function readAll(input: ConversionIo["input"]): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of input) parts.push(typeof c === "string" ? Buffer.from(c, "utf8") : Buffer.from(c));
  return Buffer.concat(parts).toString("latin1");
}

/** New syntax input: ads back to back (`[ … ] [ … ]`), or a list of ads `{ [ … ], … }`. */
function parseNewAds(text: string): ParseResult<ClassAd[]> {
  if (!text.trimStart().startsWith("{")) return parseClassAds(text, { inputIsBytes: true });
  const list = parseExpression(text, { inputIsBytes: true });
  if (!list.ok) return list;
  const ads: ClassAd[] = [];
  if (list.value.kind === "list") {
    for (const item of list.value.items) if (item.kind === "record") ads.push(ClassAd.fromRecord(item));
  }
  return { ok: true, value: ads };
}

function formatAds(ads: ClassAd[], to: ClassAdForm): string {
  if (to === "old") return formatOldAds(ads);
  if (to === "json") return formatJsonAds(ads);
  return ads.map((ad) => `${unparse(ad.toRecord())}\n`).join("");
}

/**
 * Converts ads between forms. Old-format input is read incrementally and written ad by ad.
 * Returns the first syntax error, or null.
 */
export async function convertClassAds(
  from: ClassAdForm,
  to: ClassAdForm,
  io: ConversionIo,
): Promise<ClassAdSyntaxError | null> {
  if (from === "old" && to !== "json") {
    for await (const r of parseOldAds(io.input)) {
      if (!r.ok) return r.error;
      io.write(Buffer.from(formatAds([r.value], to), "latin1"));
    }
    return null;
  }
  let ads: ClassAd[];
  if (from === "old") {
    ads = [];
    for await (const r of parseOldAds(io.input)) {
      if (!r.ok) return r.error;
      ads.push(r.value);
    }
  } else {
    const text = await readAll(io.input);
    const parsed = from === "json" ? parseJsonAds(text, { inputIsBytes: true }) : parseNewAds(text);
    if (!parsed.ok) return parsed.error;
    ads = parsed.value;
  }
  io.write(Buffer.from(formatAds(ads, to), "latin1"));
  return null;
}

/** Builds the `classad` command with its `parse` subcommand. */
export function buildClassAdCommand(): Command {
  const classad = new Command("classad").description(
    "Parse, convert, evaluate and match ClassAds (new, old/long and JSON forms)",
  );
  classad
    .command("parse")
    .description("read ads on stdin in one form and write them to stdout in another")
    .addOption(new Option("--from <form>", "input form").choices(CLASSAD_FORMS).default("old"))
    .addOption(new Option("--to <form>", "output form").choices(CLASSAD_FORMS).default("new"))
    .action(async (opts: { from: ClassAdForm; to: ClassAdForm }) => {
      const error = await convertClassAds(opts.from, opts.to, {
        input: process.stdin,
        write: (b) => process.stdout.write(b),
      });
      if (error !== null) {
        process.stderr.write(`condor-annex classad parse: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
  registerClassAdEvalCommands(classad);
  return classad;
}

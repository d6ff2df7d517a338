/**
 * ClassAd parsing throughput, each syntax through the path the product takes, against HTCondor's
 * C++ libclassad 25.14.1 (the anchor, libclassad-anchor.ts) and V8's JSON.parse on the same ads,
 * in one run:
 *
 *   new syntax   one ad per line, parseClassAd — what every GAHP request (and ANNEX_JOBS) goes
 *                through; libclassad: ClassAdParser::ParseClassAd per line. The parser takes an
 *                attribute value that repeats the one the ad before had (grammar/names.ts) as it
 *                is; a second figure shows the same ads with nothing taken from the ad before:
 *                the ads alternate between two parse options that read ASCII text alike
 *                (inputIsBytes), and values are only remembered for the same options
 *   old syntax   condor_q -long text in 64 KiB byte chunks, parseOldAds — the watch's queue
 *                reader; libclassad: ClassAd::Insert per line (old semantics, expression cache on)
 *   expressions  one expression per line (every attribute value of the ads), parseExpression;
 *                libclassad: ClassAdParser::ParseExpression
 *   JSON.parse   the same ads as JSON lines (condor_q -jsonl)
 *   ANNEX_JOBS   a request holding 20,000 distinct projected job ads (the worst case: no two
 *                alike, so nothing collapses into shapes): splitting the GAHP line, the helper's
 *                codec, validation and the demand computation — all but the AWS calls; measured
 *                in a process of its own, as the helper is one
 *
 * Each of our paths (and JSON.parse) is measured in a process of its own, as the product runs
 * them: the helper parses new-syntax requests, the watch reads `condor_q -long`; one process
 * running every path would tune V8's compiled code and heap to a mix no product process sees.
 * Each figure is the best of several runs (the machine may be shared; the best run is the least
 * disturbed one); the anchor runs before and after ours and keeps its best too. Prints MB/s,
 * units/s and the ratios the ClassAd issue sets as targets. Run: npm run bench:classad
 * Options: --ads N (default 20000), --runs N (default 5).
 */
import { spawnSync } from "node:child_process";
import { annexRequestFromClassAd } from "../../src/annex/classad-request.js";
import { computeDemand, type SnapshotJob } from "../../src/annex/demand/compute.js";
import type { InstanceTypeInfo } from "../../src/annex/demand/types.js";
import { REQUEST_ATTRIBUTES } from "../../src/annex/request.js";
import { sourcedCodec } from "../../src/annex-gahp/commands/arguments.js";
import { validateJobs } from "../../src/annex-gahp/commands/jobs-command.js";
import { loadClassAdCodec } from "../../src/annex-gahp/main.js";
import { ClassAd } from "../../src/classad/classad.js";
import { formatJsonAd } from "../../src/classad/json.js";
import { formatOldAd, parseOldAds } from "../../src/classad/old-format.js";
import { parseClassAd, parseExpression } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { QUEUE_ATTRIBUTES } from "../../src/cli/queue-query.js";
import { escapeArg, splitArgs } from "../../src/gahp/framing.js";
import { TEST_DEFAULTS } from "../annex/support.js";
import { generateJobAds } from "../support/job-ads.js";
import { type AnchorFigures, type AnchorMode, LibclassadAnchor } from "./libclassad-anchor.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const adCount = arg("--ads", 20_000);
const runs = arg("--runs", 5);
const CHUNK = 64 * 1024;

interface Figure {
  readonly units: number;
  readonly bytes: number;
  readonly ms: number;
}

const mbPerSecond = (f: Figure): number => f.bytes / 1e3 / f.ms;
const perSecond = (f: Figure): number => (f.units * 1000) / f.ms;

/** The best of `runs` timed calls of `pass` (which returns the units it parsed). */
async function best(bytes: number, pass: () => number | Promise<number>): Promise<Figure> {
  let fastest: Figure = { units: 0, bytes, ms: Number.POSITIVE_INFINITY };
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const units = await pass();
    const ms = performance.now() - t0;
    if (ms < fastest.ms) fastest = { units, bytes, ms };
  }
  return fastest;
}

/**
 * A job ad as the watch sends it: projected to the queue attributes, its AnnexRequest made valid
 * (the generated ads carry attributes an AnnexRequest does not take, which would make every job
 * Invalid and skip the matching this benchmark must include).
 */
function projectedJob(ad: ClassAd): ClassAd {
  const projection = new ClassAd();
  for (const name of QUEUE_ATTRIBUTES) {
    const expr = ad.get(name);
    if (expr !== undefined) projection.set(name, expr);
  }
  const request = ad.get("AnnexRequest");
  if (request?.kind === "record") {
    const known = new Set<string>(REQUEST_ATTRIBUTES.map((name) => name.toLowerCase()));
    projection.set("AnnexRequest", {
      kind: "record",
      attributes: request.attributes.filter((attribute) => known.has(attribute.name.toLowerCase())),
    });
  }
  return projection;
}

// ---- ANNEX_JOBS, in a process of its own (as the helper is) --------------------------------------

/** Measures ANNEX_JOBS alone and prints `{"jobs":N,"bytes":N,"ms":X}` (the child's part). */
async function measureAnnexJobs(): Promise<void> {
  const projected: string[] = [];
  for (const ad of generateJobAds(adCount, 1)) projected.push(unparse(projectedJob(ad).toRecord()));
  const types: Record<string, InstanceTypeInfo> = {
    "m6i.large": { name: "m6i.large", cpus: 2, memoryMiB: 8_192, gpus: 0, arch: "X86_64" },
    "c6i.xlarge": { name: "c6i.xlarge", cpus: 4, memoryMiB: 8_192, gpus: 0, arch: "X86_64" },
  };
  const request = `[ Jobs = { ${projected.join(", ")} }; SnapshotTime = 1767225600; DryRun = true ]`;
  const line = `ANNEX_JOBS 7 ${escapeArg(request)}`;
  const codec = sourcedCodec(await loadClassAdCodec());
  const annexJobs = (): number => {
    const [, , argument] = splitArgs(line);
    const parsed = codec.parse(argument ?? "");
    if (!parsed.ok) throw new Error(parsed.error.message);
    const checked = validateJobs(parsed.value);
    if (!checked.ok) throw new Error(checked.error.message);
    const jobs: readonly SnapshotJob[] = checked.value.jobs;
    const demand = computeDemand(jobs, (ad) => annexRequestFromClassAd(ad, TEST_DEFAULTS), new Map(), {
      instanceType: (_region, type) => types[type],
      isBlocked: () => false,
      ramp: { attenuation: 1, minStep: 1 },
    });
    if (demand.jobCount !== projected.length) throw new Error(`ANNEX_JOBS counted ${demand.jobCount} jobs`);
    return demand.jobCount;
  };
  annexJobs();
  const figure = await best(line.length, annexJobs);
  console.log(JSON.stringify({ jobs: figure.units, bytes: figure.bytes, ms: figure.ms }));
}

if (process.argv.includes("--annex-jobs-only")) {
  await measureAnnexJobs();
  process.exit(0);
}

/** Runs this script with `args` (and the same --ads/--runs) and returns its last line, parsed. */
function childFigures(args: readonly string[]): unknown {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1] as string,
      ...args,
      "--ads",
      String(adCount),
      "--runs",
      String(runs),
    ],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "null");
}

// ---- the corpus --------------------------------------------------------------------------------

/**
 * In a child measuring one path, only that path's corpus is built (nothing else in its heap); the
 * parent builds the three the libclassad anchor reads (JSON lines only the JSON child needs).
 */
/** The paths measured in processes of their own (declared before a child looks its path up). */
const OWN_PATHS = ["new", "new-unremembered", "old", "expr", "json"] as const;
type OwnPath = (typeof OWN_PATHS)[number];

const pathArgument = process.argv.includes("--path")
  ? process.argv[process.argv.indexOf("--path") + 1]
  : undefined;
const wants = (path: string): boolean =>
  pathArgument === undefined ? path !== "json" : pathArgument === path;

console.log(`generating ${adCount} job ads...`);
const newLines: string[] = [];
const oldAds: string[] = [];
const exprLines: string[] = [];
const jsonLines: string[] = [];
let attributes = 0;
for (const ad of generateJobAds(adCount, 1)) {
  attributes += ad.size;
  if (wants("new") || wants("new-unremembered")) newLines.push(unparse(ad.toRecord()));
  if (wants("old")) oldAds.push(formatOldAd(ad));
  if (wants("json")) jsonLines.push(formatJsonAd(ad, { oneLine: true }));
  if (wants("expr")) for (const attribute of ad.attributes()) exprLines.push(unparse(attribute.expr));
}
const newText = `${newLines.join("\n")}\n`;
const oldText = `${oldAds.join("\n")}\n`;
const exprText = `${exprLines.join("\n")}\n`;
const oldBytes = Buffer.from(oldText, "latin1");
const oldChunks: Buffer[] = [];
for (let at = 0; at < oldBytes.length; at += CHUNK) oldChunks.push(oldBytes.subarray(at, at + CHUNK));
const jsonBytes = jsonLines.reduce((n, line) => n + line.length + 1, 0);
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
console.log(
  `${adCount} ads, ${(attributes / adCount).toFixed(1)} attributes/ad: new syntax ${mb(newText.length)}, ` +
    `old syntax ${mb(oldBytes.length)}, ${exprLines.length} expressions ${mb(exprText.length)}` +
    (jsonLines.length > 0 ? `, JSON ${mb(jsonBytes)}` : ""),
);

// A child measuring one path of ours: nothing else (see measureOwnPath).
if (pathArgument !== undefined) {
  const path = OWN_PATHS.find((known) => known === pathArgument);
  if (path === undefined) throw new Error(`no path ${pathArgument}`);
  await measureOwnPath(path);
  process.exit(0);
}

// ---- the anchor (first half) ---------------------------------------------------------------------

const corpora: Record<AnchorMode, string | Buffer> = { new: newText, old: oldBytes, expr: exprText };
const anchorOrReason = await LibclassadAnchor.open();
const anchor = typeof anchorOrReason === "string" ? undefined : anchorOrReason;
const anchorFigures = new Map<AnchorMode, AnchorFigures>();
async function measureAnchor(): Promise<void> {
  if (anchor === undefined) return;
  for (const mode of ["new", "old", "expr"] as const) {
    const figures = await anchor.measure(mode, corpora[mode], runs);
    const previous = anchorFigures.get(mode);
    if (previous === undefined || figures.bestMs < previous.bestMs) anchorFigures.set(mode, figures);
  }
}
if (anchor === undefined) console.log(`libclassad anchor unavailable: ${anchorOrReason}`);
else console.log("libclassad anchor: measuring (first pass)...");
await measureAnchor();

// ---- ours --------------------------------------------------------------------------------------

function parseNew(lines: readonly string[]): number {
  for (const line of lines) {
    const result = parseClassAd(line);
    if (!result.ok) throw result.error;
  }
  return lines.length;
}

async function parseOld(chunks: readonly Buffer[]): Promise<number> {
  let ads = 0;
  for await (const result of parseOldAds(chunks)) {
    if (!result.ok) throw result.error;
    ads++;
  }
  return ads;
}

/** parseNew with each ad parsed under other options than the ad before (see the header). */
function parseNewUnremembered(lines: readonly string[]): number {
  // Options that read ASCII text as the defaults do, but take no value remembered under those.
  // (Declared here: a child runs its path before the module's later declarations are reached.)
  const asBytes = { inputIsBytes: true } as const;
  const defaults = {} as const;
  for (let i = 0; i < lines.length; i++) {
    const result = parseClassAd(lines[i] as string, i % 2 === 0 ? defaults : asBytes);
    if (!result.ok) throw result.error;
  }
  return lines.length;
}

function parseExpressions(lines: readonly string[]): number {
  for (const line of lines) {
    const result = parseExpression(line);
    if (!result.ok) throw result.error;
  }
  return lines.length;
}

function parseJson(lines: readonly string[]): number {
  let ads = 0;
  for (const line of lines) {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null) ads++;
  }
  return ads;
}

/** Measures one path (its corpus rebuilt from the same seed) and prints its Figure as JSON. */
async function measureOwnPath(path: OwnPath): Promise<void> {
  // Warm-up: the JIT compiles the path before it is timed.
  let figure: Figure;
  switch (path) {
    case "new":
    case "new-unremembered": {
      const parse = path === "new" ? parseNew : parseNewUnremembered;
      parse(newLines.slice(0, 2000));
      figure = await best(newText.length, () => parse(newLines));
      break;
    }
    case "old":
      await parseOld([Buffer.from(`${oldAds.slice(0, 2000).join("\n")}\n`, "latin1")]);
      figure = await best(oldBytes.length, () => parseOld(oldChunks));
      break;
    case "expr":
      parseExpressions(exprLines.slice(0, 200_000));
      figure = await best(exprText.length, () => parseExpressions(exprLines));
      break;
    case "json":
      parseJson(jsonLines.slice(0, 2000));
      figure = await best(jsonBytes, () => parseJson(jsonLines));
      break;
  }
  console.log(JSON.stringify(figure));
}

/** Runs this script again to measure `path` alone (see measureOwnPath). */
function measureInOwnProcess(path: OwnPath): Figure {
  const answer = childFigures(["--path", path]);
  const figure = (typeof answer === "object" && answer !== null ? answer : {}) as Partial<Figure>;
  if (typeof figure.units !== "number" || typeof figure.bytes !== "number" || typeof figure.ms !== "number") {
    throw new Error(`the ${path} measurement answered ${JSON.stringify(answer)}`);
  }
  return { units: figure.units, bytes: figure.bytes, ms: figure.ms };
}

console.log(`ours: best of ${runs} runs each, each path in a process of its own...`);
const ours = {
  new: measureInOwnProcess("new"),
  old: measureInOwnProcess("old"),
  expr: measureInOwnProcess("expr"),
};
const newUnremembered = measureInOwnProcess("new-unremembered");
const json = measureInOwnProcess("json");

if (anchor !== undefined) console.log("libclassad anchor: measuring (second pass)...");
await measureAnchor();
await anchor?.close();

// ---- ANNEX_JOBS (the child process) -------------------------------------------------------------

console.log("ANNEX_JOBS: measuring in a separate process...");
const jobsAnswer = childFigures(["--annex-jobs-only"]);
if (typeof jobsAnswer !== "object" || jobsAnswer === null) {
  throw new Error(`the ANNEX_JOBS measurement answered ${JSON.stringify(jobsAnswer)}`);
}
const jobsFigures = jobsAnswer as { jobs: number; bytes: number; ms: number };

// ---- report --------------------------------------------------------------------------------------

const rows: string[][] = [["path", "MB/s", "units/s", "vs libclassad", "vs JSON.parse"]];
const ratio = (a: number, b: number | undefined) => (b === undefined ? "—" : `${(a / b).toFixed(2)}×`);
const anchorRate = (mode: AnchorMode): number | undefined => {
  const figures = anchorFigures.get(mode);
  return figures === undefined ? undefined : figures.bytes / 1e3 / figures.bestMs;
};
const names: Record<AnchorMode, string> = {
  new: "new syntax, parseClassAd",
  old: "old syntax, parseOldAds",
  expr: "expressions, parseExpression",
};
/** A row of ours: its figures and its ratios to libclassad's `mode` and to JSON.parse. */
const ourRow = (label: string, f: Figure, mode: AnchorMode): string[] => [
  label,
  mbPerSecond(f).toFixed(1),
  Math.round(perSecond(f)).toString(),
  ratio(mbPerSecond(f), anchorRate(mode)),
  ratio(mbPerSecond(f), mbPerSecond(json)),
];
for (const mode of ["new", "old", "expr"] as const) {
  rows.push(ourRow(names[mode], ours[mode], mode));
  const figures = anchorFigures.get(mode);
  if (figures !== undefined) {
    const c: Figure = { units: figures.units, bytes: figures.bytes, ms: figures.bestMs };
    rows.push([
      `  libclassad ${figures.version} (${figures.failures} failed)`,
      mbPerSecond(c).toFixed(1),
      Math.round(perSecond(c)).toString(),
      "",
      ratio(mbPerSecond(c), mbPerSecond(json)),
    ]);
  }
  if (mode === "new") rows.push(ourRow("  ours, nothing taken from the ad before", newUnremembered, mode));
}
rows.push([
  "JSON.parse, same ads as JSON lines",
  mbPerSecond(json).toFixed(1),
  Math.round(perSecond(json)).toString(),
]);
const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  "));
console.log(
  `ANNEX_JOBS, ${jobsFigures.jobs} distinct projected job ads (${mb(jobsFigures.bytes)} line): ${jobsFigures.ms.toFixed(0)} ms`,
);

const verdict = (holds: boolean | undefined) =>
  holds === undefined ? "not measured" : holds ? "holds" : "MISSED";
const newVsC = anchorRate("new");
const oldVsC = anchorRate("old");
console.log("targets:");
console.log(
  `  new syntax ≥ 1.0× libclassad: ${verdict(newVsC === undefined ? undefined : mbPerSecond(ours.new) >= newVsC)}`,
);
console.log(`  new syntax ≥ 0.2× JSON.parse: ${verdict(mbPerSecond(ours.new) >= 0.2 * mbPerSecond(json))}`);
console.log(
  `  old syntax ≥ 1.5× libclassad: ${verdict(oldVsC === undefined ? undefined : mbPerSecond(ours.old) >= 1.5 * oldVsC)}`,
);
console.log(`  ANNEX_JOBS with ${jobsFigures.jobs} projected ads < 1 s: ${verdict(jobsFigures.ms < 1000)}`);

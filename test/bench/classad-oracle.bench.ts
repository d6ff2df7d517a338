/**
 * Our ClassAd library against HTCondor's C++ libclassad (the pinned `htcondor` wheel's classad2,
 * in one Python subprocess that times only its own work):
 *   1. parsing the same job-ad corpus (old `condor_q -long` form, one file) — classad2.parseAds
 *      with ParserType.Old vs our incremental old-format reader;
 *   2. symmetric matching of job ads against machine ads — classad2's ClassAd.symmetricMatch
 *      (one Python call per pair) vs our symmetricMatch.
 * Prints times, rates and ratios (ours/C++ speed; ≥ 1.0 means we are at least as fast).
 * Run: npm run bench:classad (second half). Options: --ads N (parse corpus, default 20000),
 * --jobs N and --machines N (match grid, defaults 1000 × 100).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClassAd } from "../../src/classad/classad.js";
import { Evaluator } from "../../src/classad/evaluate.js";
import { symmetricMatch } from "../../src/classad/match.js";
import { formatOldAd, parseOldAds } from "../../src/classad/old-format.js";
import { ClassAdOracle } from "../classad/differential/oracle-client.js";
import { generateJobAds } from "../support/job-ads.js";
import { ensurePythonEnv } from "../support/python-env.js";
import { seededRandom } from "../support/seeded-random.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const adCount = arg("--ads", 20_000);
const jobCount = arg("--jobs", 1_000);
const machineCount = arg("--machines", 100);

/** A deterministic machine (slot) ad in the old form, shaped like condor_status -long output. */
function machineAdText(random: () => number, i: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const cpus = pick([1, 2, 4, 8, 16, 32]);
  const memory = cpus * pick([1024, 2048, 4096]);
  const lines = [
    `MyType = "Machine"`,
    `Name = "slot1@node${i}.example.org"`,
    `Machine = "node${i}.example.org"`,
    `Arch = "${pick(["X86_64", "x86_64", "aarch64"])}"`,
    `OpSys = "LINUX"`,
    `Cpus = ${cpus}`,
    `Memory = ${memory}`,
    `Disk = ${Math.floor(random() * 100_000_000)}`,
    `GPUs = ${pick([0, 0, 0, 1, 2])}`,
    `Mips = ${Math.floor(random() * 40000)}`,
    `KFlops = ${Math.floor(random() * 4_000_000)}`,
    `HasFileTransfer = ${random() < 0.8 ? "true" : "false"}`,
    `FileSystemDomain = "${pick(["example.org", "cluster.local"])}"`,
    `State = "Unclaimed"`,
    `Activity = "Idle"`,
    `LoadAvg = ${(random() * 2).toFixed(3)}`,
    `KeyboardIdle = ${Math.floor(random() * 100000)}`,
    `Start = (KeyboardIdle > 15 * 60) && (LoadAvg < 0.3 + 0.25 * Cpus)`,
    `Requirements = START && (TARGET.RequestMemory <= MY.Memory) && (TARGET.RequestCpus <= Cpus)`,
    `Rank = TARGET.RequestMemory`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Parses the old-form bytes (in 1 MiB chunks, like a file read); keeps the ads only if asked. */
async function parseOurs(bytes: Buffer, keep = false): Promise<{ ads: ClassAd[]; ms: number }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1 << 20) chunks.push(bytes.subarray(i, i + (1 << 20)));
  const t0 = performance.now();
  const ads: ClassAd[] = [];
  for await (const r of parseOldAds(chunks)) {
    if (!r.ok) throw r.error;
    if (keep) ads.push(r.value);
  }
  return { ads, ms: performance.now() - t0 };
}

const dir = mkdtempSync(join(tmpdir(), "classad-oracle-bench-"));
let oracle: ClassAdOracle | null = null;
try {
  const { python } = await ensurePythonEnv();
  oracle = new ClassAdOracle(python);

  // 1. Parsing the job-ad corpus.
  console.log(`\n== libclassad (classad2, htcondor 25.14.1) comparison ==`);
  const corpusPath = join(dir, "jobs.ads");
  const texts: string[] = [];
  let attributes = 0;
  for (const ad of generateJobAds(adCount, 1)) {
    attributes += ad.size;
    texts.push(`${formatOldAd(ad)}\n`);
  }
  const corpus = Buffer.from(texts.join(""), "latin1");
  writeFileSync(corpusPath, corpus);
  const mb = corpus.length / 1e6;
  console.log(
    `corpus: ${adCount} job ads, ${(attributes / adCount).toFixed(1)} attributes/ad, ${mb.toFixed(1)} MB`,
  );

  await parseOurs(Buffer.from(texts.slice(0, 500).join(""), "latin1")); // JIT warm-up
  let ours = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) ours = Math.min(ours, (await parseOurs(corpus)).ms);
  let theirs = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const [answer] = await oracle.request([`P\t${corpusPath}\t1`]);
    const seconds = Number(answer);
    if (!Number.isFinite(seconds)) throw new Error(`classad2 parse failed: ${answer}`);
    theirs = Math.min(theirs, seconds * 1000);
  }
  console.log(
    `parse, ours:       ${ours.toFixed(0)} ms  ${(mb / (ours / 1000)).toFixed(1)} MB/s  ${Math.round(adCount / (ours / 1000))} ads/s`,
  );
  console.log(
    `parse, classad2:   ${theirs.toFixed(0)} ms  ${(mb / (theirs / 1000)).toFixed(1)} MB/s  ${Math.round(adCount / (theirs / 1000))} ads/s`,
  );
  console.log(`parse ratio (ours speed / C++ speed): ${(theirs / ours).toFixed(2)}  (target ≥ 1.0)`);
  // classad2.parseAds slows down superlinearly on one huge string; also time it on the same
  // text pre-split (untimed) into 100-ad chunks, its best case.
  let chunked = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const [answer] = await oracle.request([`C\t${corpusPath}\t100`]);
    const seconds = Number(answer);
    if (!Number.isFinite(seconds)) throw new Error(`classad2 chunked parse failed: ${answer}`);
    chunked = Math.min(chunked, seconds * 1000);
  }
  console.log(
    `parse, classad2 on 100-ad chunks: ${chunked.toFixed(0)} ms  ${(mb / (chunked / 1000)).toFixed(1)} MB/s  ${Math.round(adCount / (chunked / 1000))} ads/s`,
  );
  console.log(`parse ratio vs chunked classad2: ${(chunked / ours).toFixed(2)}  (target ≥ 1.0)`);

  // 2. Symmetric matching: jobs × machines.
  const random = seededRandom(7);
  const machineTexts = Array.from({ length: machineCount }, (_, i) => machineAdText(random, i));
  const gridPath = join(dir, "grid.ads");
  writeFileSync(gridPath, Buffer.from([...texts.slice(0, jobCount), ...machineTexts].join("\n"), "latin1"));
  const grid = await parseOurs(readFileSync(gridPath), true);
  const jobs = grid.ads.slice(0, jobCount);
  const machines = grid.ads.slice(jobCount);
  const evaluator = new Evaluator();
  const matchAll = (): { ms: number; hits: number } => {
    const t0 = performance.now();
    let hits = 0;
    for (const job of jobs)
      for (const machine of machines) if (symmetricMatch(job, machine, {}, evaluator)) hits++;
    return { ms: performance.now() - t0, hits };
  };
  matchAll(); // warm-up
  let oursMatch = { ms: Number.POSITIVE_INFINITY, hits: 0 };
  for (let run = 0; run < 3; run++) {
    const r = matchAll();
    if (r.ms < oursMatch.ms) oursMatch = r;
  }
  let theirsMatch = { ms: Number.POSITIVE_INFINITY, hits: 0 };
  for (let run = 0; run < 3; run++) {
    const [answer = ""] = await oracle.request([`Q\t${gridPath}\t1`]);
    const [seconds, hits] = answer.split(" ").map(Number);
    if (seconds === undefined || hits === undefined || !Number.isFinite(seconds)) {
      throw new Error(`classad2 match failed: ${answer}`);
    }
    if (seconds * 1000 < theirsMatch.ms) theirsMatch = { ms: seconds * 1000, hits };
  }
  const pairs = jobs.length * machines.length;
  console.log(`match grid: ${jobs.length} jobs × ${machines.length} machines = ${pairs} symmetric matches`);
  console.log(
    `match, ours:       ${oursMatch.ms.toFixed(0)} ms  ${Math.round(pairs / (oursMatch.ms / 1000))} matches/s  (${oursMatch.hits} matched)`,
  );
  console.log(
    `match, classad2:   ${theirsMatch.ms.toFixed(0)} ms  ${Math.round(pairs / (theirsMatch.ms / 1000))} matches/s  (${theirsMatch.hits} matched)`,
  );
  if (oursMatch.hits !== theirsMatch.hits)
    console.log(`WARNING: match counts differ (ours ${oursMatch.hits}, classad2 ${theirsMatch.hits})`);
  console.log(
    `match ratio (ours speed / C++ speed): ${(theirsMatch.ms / oursMatch.ms).toFixed(2)}  (target ≥ 1.0)`,
  );
} catch (cause) {
  console.log(
    `\n*** classad2 comparison skipped: ${cause instanceof Error ? cause.message : String(cause)} ***`,
  );
  process.exitCode = 1;
} finally {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
}

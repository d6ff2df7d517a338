/**
 * An HTCondor access point configured as the admin guide says: a pool of the test bed with
 * condor-annex installed (product.ts) and `condor-config/access-point/50-condor-annex.config`
 * copied into its config.d with `CONDOR_ANNEX_HOME` set to the installation — the one edit the
 * guide asks for. Beyond that the test bed adds only where AWS is (`ANNEX_WATCH_ENVIRONMENT`: the
 * emulator's endpoint, its dummy credentials and region) and whatever documented knobs a test
 * passes in `config` (e.g. a shorter `ANNEX_WATCH_INTERVAL`), each in a file of its own.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "../../../src/emulator/python-env.js";
import { ensureDebianRoot } from "./debian-root.js";
import { type PersonalPool, type PoolOptions, startPool } from "./personal-pool.js";
import { type InstalledProduct, installProduct } from "./product.js";
import type { RootCommandOptions, RootCommandResult } from "./root-process.js";

/** The environment that points the AWS SDK and CLI at the emulator. */
export function awsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
  };
}

/** Options of {@link startAccessPoint}. */
export interface AccessPointOptions extends Omit<PoolOptions, "configFiles"> {
  /** The emulator (or other AWS endpoint) the access point talks to. */
  readonly endpoint: string;
  /** Documented knobs a test sets (`NAME = value` lines), in `config.d/70-test-settings`. */
  readonly config?: Readonly<Record<string, string>>;
}

/** A running access point with condor-annex. */
export interface AccessPoint extends PersonalPool {
  readonly product: InstalledProduct;
  /** Runs the installed condor-annex in the root (as `condor` unless told otherwise), against AWS. */
  condorAnnex(args: readonly string[], options?: RootCommandOptions): Promise<RootCommandResult>;
  /** The watch's log (ANNEX_WATCH_LOG) and the helper's (ANNEX_GAHP_LOG) as they are now. */
  watchLog(): Promise<string>;
  gahpLog(): Promise<string>;
  /** The watch processes condor_master runs for this access point: host pid and uid. */
  watchProcesses(): { pid: number; uid: number }[];
}

/**
 * Processes of `root` running `<home>/bin/condor-annex watch` with this pool's CONDOR_CONFIG.
 * A child the watch has just forked (to run condor_q or its helper) shows the watch's command
 * line until it execs; it is left out by its parent being a watch.
 */
function watchProcessesOf(rootDir: string, home: string, configFile: string): { pid: number; uid: number }[] {
  const found: { pid: number; uid: number; parent: number }[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readlinkSync(`/proc/${pid}/root`).startsWith(rootDir)) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!cmdline.some((arg) => arg.includes(`${home}/bin/condor-annex`)) || !cmdline.includes("watch"))
        continue;
      if (!readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`CONDOR_CONFIG=${configFile}`))
        continue;
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      const parent = /^PPid:\s+(\d+)/m.exec(status)?.[1];
      found.push({ pid: Number(pid), uid: Number(uid), parent: Number(parent) });
    } catch {
      // gone
    }
  }
  const pids = new Set(found.map((process) => process.pid));
  return found.filter((process) => !pids.has(process.parent)).map(({ pid, uid }) => ({ pid, uid }));
}

/** The shipped access-point configuration with `CONDOR_ANNEX_HOME` set, as the admin edits it. */
export async function accessPointConfig(home: string): Promise<string> {
  const shipped = await readFile(
    join(repoRoot, "condor-config", "access-point", "50-condor-annex.config"),
    "utf8",
  );
  const edited = shipped.replace(/^CONDOR_ANNEX_HOME = .*$/m, `CONDOR_ANNEX_HOME = ${home}`);
  if (edited === shipped) throw new Error("50-condor-annex.config has no CONDOR_ANNEX_HOME line to set");
  return edited;
}

/** Starts an access point: installs the product, configures the pool, starts condor_master. */
export async function startAccessPoint(options: AccessPointOptions): Promise<AccessPoint> {
  const root = await ensureDebianRoot();
  const product = await installProduct(root);
  const aws = awsEnvironment(options.endpoint);
  const environment = Object.entries(aws)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  const configFiles: Record<string, string> = {
    "50-condor-annex.config": await accessPointConfig(product.home),
    "60-testbed-aws.config": [
      "## The test bed's AWS: the emulator on loopback, with its dummy credentials.",
      `ANNEX_WATCH_ENVIRONMENT = "${environment}"`,
      "",
    ].join("\n"),
  };
  if (options.config !== undefined) {
    configFiles["70-test-settings.config"] = `${Object.entries(options.config)
      .map(([name, value]) => `${name} = ${value}`)
      .join("\n")}\n`;
  }
  const pool = await startPool({ ...options, configFiles });
  const log = (knob: string) => async () => {
    const path = (await pool.must(["condor_config_val", knob])).trim();
    return readFile(join(root.dir, path), "utf8").catch(() => "");
  };
  return {
    ...pool,
    product,
    condorAnnex: (args, runOptions = {}) =>
      pool.run([`${product.home}/bin/condor-annex`, ...args], {
        user: "condor",
        ...runOptions,
        env: { ...aws, ...runOptions.env },
      }),
    watchLog: log("ANNEX_WATCH_LOG"),
    gahpLog: log("ANNEX_GAHP_LOG"),
    watchProcesses: () => watchProcessesOf(root.dir, product.home, pool.configFile),
  };
}

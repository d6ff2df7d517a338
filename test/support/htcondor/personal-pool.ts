/**
 * A real HTCondor pool on loopback, run chrooted in the Debian root of the test bed.
 *
 * Each pool has its own state directory inside the root (`/var/lib/condor-annex-testbed/pools/<id>`:
 * logs, spool, execute, lock, run and a `config.d`) and its own collector port, so several pools
 * (and instances of the instance simulator) share one root without meeting. Its top-level config
 * (given to every program as `CONDOR_CONFIG`) includes the root's own `/etc/condor/condor_config`
 * — the packaged configuration, with minicondor's `config.d` — and then adds the pool's
 * `config.d`, where tests put what an admin would put in `/etc/condor/config.d/`.
 *
 * The test bed's own settings are only what a shared machine forces: loopback only
 * (`NETWORK_INTERFACE = 127.0.0.1`, no IPv6, no shared port, the collector on a free port), no
 * per-job mount namespaces (`MOUNT_UNDER_SCRATCH` empty: these sandboxes cannot make them), and
 * the daemons the test asks for.
 */

import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { chown, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { shellQuote } from "../../../templates/bootstrap.js";
import { freePort } from "../free-port.js";
import { type DebianRoot, ensureDebianRoot } from "./debian-root.js";
import {
  ROOT_PATH,
  type RootCommandOptions,
  type RootCommandResult,
  type RootDaemon,
  rootUser,
  runInRoot,
  spawnInRoot,
} from "./root-process.js";

/** Where pools keep their state, inside the root. */
export const POOLS_DIR = "/var/lib/condor-annex-testbed/pools";

/** Options of {@link startPool}. */
export interface PoolOptions {
  /** Run a condor_startd in the pool itself (default false: a central manager and an access point). */
  readonly execute?: boolean;
  /** Files for the pool's `config.d` (name → content), as an admin adds to `/etc/condor/config.d/`. */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** How long to wait for the schedd and collector to answer (default 90 s). */
  readonly readyTimeoutMs?: number;
}

/** A running pool. */
export interface PersonalPool {
  readonly root: DebianRoot;
  readonly id: string;
  /** The pool's state directory, as seen inside the root. */
  readonly dir: string;
  /** The same directory on the host. */
  readonly hostDir: string;
  /** `CONDOR_CONFIG` of the pool, inside the root. */
  readonly configFile: string;
  readonly collectorPort: number;
  /** `127.0.0.1:<port>` */
  readonly collectorHost: string;
  /** The pool's LOG directory on the host (MasterLog, SchedLog, …). */
  readonly hostLogDir: string;
  /** A host script that runs an HTCondor tool against this pool: `<toolScript> [--user NAME] condor_q …`. */
  readonly toolScript: string;
  /**
   * Runs an HTCondor tool (or any program) in the root against this pool. As a user, it runs in
   * that user's directory of this pool ({@link userDir}) unless `cwd` says otherwise.
   */
  run(command: readonly string[], options?: RootCommandOptions): Promise<RootCommandResult>;
  /** Like {@link run}, but throws with the output when the command fails. */
  must(command: readonly string[], options?: RootCommandOptions): Promise<string>;
  /** Writes (or replaces) a file of the pool's config.d. Call `condor_reconfig` to apply it. */
  writeConfig(name: string, content: string): Promise<void>;
  /** `~user/<pool id>`, the user's working directory for this pool (created on first use). */
  userDir(user: string): Promise<string>;
  /** Submits `submitText` as `user` from {@link userDir}; returns the cluster id. */
  submit(user: string, submitText: string): Promise<{ cluster: number; output: string }>;
  /** The last lines of a daemon log (`MasterLog`, `SchedLog`, …), for failure messages. */
  logTail(name: string, lines?: number): Promise<string>;
  /** Stops the pool: condor_master shuts everything down; the namespace is killed after the grace time. */
  stop(): Promise<void>;
}

function testbedConfig(port: number, execute: boolean): string {
  return [
    "## The test bed's own settings: what a shared sandbox forces, nothing else.",
    "NETWORK_INTERFACE = 127.0.0.1",
    "ENABLE_IPV6 = false",
    "CONDOR_HOST = 127.0.0.1",
    `COLLECTOR_HOST = 127.0.0.1:${port}`,
    "USE_SHARED_PORT = false",
    "## Per-job mount namespaces are not available in these sandboxes.",
    "MOUNT_UNDER_SCRATCH =",
    `DAEMON_LIST = MASTER COLLECTOR NEGOTIATOR SCHEDD${execute ? " STARTD" : ""}`,
    "",
  ].join("\n");
}

async function makeStateDirs(hostDir: string, condor: { uid: number; gid: number }): Promise<void> {
  // The packaged condor_config derives every directory from LOCAL_DIR.
  for (const sub of [
    "log/condor",
    "spool/condor",
    "lib/condor/execute",
    "lib/condor/cred_dir",
    "lock/condor",
    "run/condor",
    "config.d",
  ]) {
    await mkdir(join(hostDir, sub), { recursive: true });
  }
  for (const sub of [
    "log",
    "log/condor",
    "spool",
    "spool/condor",
    "lib",
    "lib/condor",
    "lib/condor/execute",
    "lock",
    "lock/condor",
    "run",
    "run/condor",
  ]) {
    await chown(join(hostDir, sub), condor.uid, condor.gid);
  }
}

/** The host script behind {@link PersonalPool.toolScript}: enter the root as `root-process.ts` does. */
function toolScriptText(rootDir: string, configFile: string): string {
  return `#!/bin/sh
# Runs a program against the condor-annex test-bed pool ${configFile}, as root on the host.
# Usage: $0 [--user NAME] condor_q -allusers
user=root
if [ "$1" = "--user" ]; then user=$2; shift 2; fi
exec unshare --mount --propagation private /bin/sh -c '
  root=$0; user=$1; shift
  mount -t proc proc "$root/proc" || exit 125
  home=$(chroot "$root" getent passwd "$user" | cut -d: -f6)
  exec chroot "$root" /bin/sh -c "cd \\"\\$0\\" 2>/dev/null; exec \\"\\$@\\"" "$home" setpriv --reuid="$user" --regid="$user" --init-groups \\
    env -i PATH=${ROOT_PATH} LANG=C.UTF-8 HOME="$home" USER="$user" CONDOR_CONFIG=${configFile} "$@"
' ${shellQuote(rootDir)} "$user" "$@"
`;
}

/** Starts a pool and waits until its schedd answers `condor_q`. */
export async function startPool(options: PoolOptions = {}): Promise<PersonalPool> {
  const root = await ensureDebianRoot();
  const id = `p${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const dir = `${POOLS_DIR}/${id}`;
  const hostDir = join(root.dir, dir);
  const port = await freePort();
  await makeStateDirs(hostDir, rootUser(root.dir, "condor"));
  const configFile = `${dir}/condor_config`;
  await writeFile(
    join(root.dir, configFile),
    [
      `## condor-annex test bed: pool ${id} on 127.0.0.1:${port}`,
      "include : /etc/condor/condor_config",
      `LOCAL_DIR = ${dir}`,
      "LOCAL_CONFIG_DIR = /usr/share/condor/config.d,/etc/condor/config.d,$(LOCAL_DIR)/config.d",
      "",
    ].join("\n"),
  );
  await writeFile(join(hostDir, "config.d", "00-testbed"), testbedConfig(port, options.execute === true));
  for (const [name, content] of Object.entries(options.configFiles ?? {})) {
    await writeFile(join(hostDir, "config.d", name), content);
  }
  const env = { CONDOR_CONFIG: configFile };
  const hostLogDir = join(hostDir, "log", "condor");
  const toolScript = join(hostDir, "condor");
  await writeFile(toolScript, toolScriptText(root.dir, configFile), { mode: 0o755 });
  const consoleFd = openSync(join(hostDir, "master.console"), "a");
  let daemon: RootDaemon;
  try {
    daemon = spawnInRoot(root.dir, ["condor_master", "-f"], { env, logFd: consoleFd });
  } finally {
    closeSync(consoleFd);
  }
  const userDirs = new Map<string, string>();
  const userDir = async (user: string) => {
    let made = userDirs.get(user);
    if (made === undefined) {
      const owner = rootUser(root.dir, user);
      made = `${owner.home}/${id}`;
      await mkdir(join(root.dir, made), { recursive: true });
      await chown(join(root.dir, made), owner.uid, owner.gid);
      userDirs.set(user, made);
    }
    return made;
  };
  const run = async (command: readonly string[], runOptions: RootCommandOptions = {}) =>
    runInRoot(root.dir, command, {
      ...runOptions,
      ...(runOptions.user !== undefined && runOptions.cwd === undefined
        ? { cwd: await userDir(runOptions.user) }
        : {}),
      env: { ...env, ...runOptions.env },
    });
  const must = async (command: readonly string[], runOptions: RootCommandOptions = {}) => {
    const result = await run(command, runOptions);
    if (result.code !== 0) {
      throw new Error(
        `${command.join(" ")} failed (exit ${result.code ?? result.signal}):\n${result.stdout}${result.stderr}`,
      );
    }
    return result.stdout;
  };
  const logTail = async (name: string, lines = 40) => {
    const text = await readFile(join(hostLogDir, name), "utf8").catch((error: Error) => `(${error.message})`);
    return text.split("\n").slice(-lines).join("\n");
  };
  const pool: PersonalPool = {
    root,
    id,
    dir,
    hostDir,
    configFile,
    collectorPort: port,
    collectorHost: `127.0.0.1:${port}`,
    hostLogDir,
    toolScript,
    run,
    must,
    writeConfig: (name, content) => writeFile(join(hostDir, "config.d", name), content),
    userDir,
    async submit(user, submitText) {
      const name = `submit-${randomBytes(4).toString("hex")}.sub`;
      const hostFile = join(root.dir, await userDir(user), name);
      const owner = rootUser(root.dir, user);
      await writeFile(hostFile, submitText);
      await chown(hostFile, owner.uid, owner.gid);
      const output = await must(["condor_submit", name], { user });
      const cluster = /submitted to cluster (\d+)/.exec(output)?.[1];
      if (cluster === undefined) throw new Error(`condor_submit printed no cluster id:\n${output}`);
      return { cluster: Number(cluster), output };
    },
    logTail,
    async stop() {
      await run(["condor_off", "-master"], { timeoutMs: 15_000 });
      await daemon.stop(30_000);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  let last: RootCommandResult | undefined;
  while (Date.now() < deadline) {
    if (daemon.child.exitCode !== null) break;
    last = await run(["condor_q", "-totals"], { timeoutMs: 20_000 });
    if (last.code === 0) return pool;
    await new Promise((wake) => setTimeout(wake, 500));
  }
  const master = await logTail("MasterLog");
  await pool.stop();
  throw new Error(
    `the pool did not come up (condor_q: ${last?.stderr.trim() ?? "never ran"}); MasterLog:\n${master}`,
  );
}

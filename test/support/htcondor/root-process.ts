/**
 * Running programs inside the Debian root of the HTCondor test bed.
 *
 * Every command runs chrooted in a private mount namespace of its own (`unshare --mount
 * --propagation private`) where `/proc` is mounted: HTCondor and dpkg need it, and a mount made
 * in a private namespace disappears with the namespace's last process, so nothing is ever left
 * mounted on the host. Long-lived programs (a pool's condor_master) additionally get a PID
 * namespace whose init dies with the launcher (`--kill-child`), so every process they started
 * goes when they go, however the test run ends.
 *
 * The environment inside is built from scratch (no host variables leak in: the host's PATH,
 * proxies or AWS settings mean nothing in the root).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The PATH of every program run in the root. */
export const ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** What a finished command printed and how it ended. */
export interface RootCommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runInRoot} and {@link spawnInRoot}. */
export interface RootCommandOptions {
  /** Variables set inside, on top of PATH, HOME=/root and LANG=C.UTF-8. */
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this user of the root (`setpriv` with its groups; HOME from its passwd entry), not root. */
  readonly user?: string;
  /** Working directory inside the root. */
  readonly cwd?: string;
  /** Text written to the command's stdin (default: none, stdin closed). */
  readonly input?: string;
  /** Killed (SIGKILL) after this long; default 10 minutes. */
  readonly timeoutMs?: number;
}

/** `env -i` arguments: the clean environment of a command in the root. */
function environmentArgs(env: Readonly<Record<string, string>> = {}): string[] {
  const base: Record<string, string> = { PATH: ROOT_PATH, HOME: "/root", LANG: "C.UTF-8", ...env };
  return Object.entries(base).map(([key, value]) => `${key}=${value}`);
}

/** A user of the root, from its /etc/passwd. */
interface RootUser {
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** Looks `name` up in the root's /etc/passwd; throws when it is not there. */
export function rootUser(root: string, name: string): RootUser {
  for (const line of readFileSync(join(root, "etc", "passwd"), "utf8").split("\n")) {
    const [user, , uid, gid, , home] = line.split(":");
    if (user === name && uid !== undefined && gid !== undefined && home !== undefined) {
      return { uid: Number(uid), gid: Number(gid), home };
    }
  }
  throw new Error(`there is no user ${name} in ${root}/etc/passwd`);
}

/**
 * The shell program run as the namespace's first process: mount /proc, then chroot and run the
 * command in the working directory. `$1` is the root, `$2` the directory; the rest is the command.
 */
const ENTER_ROOT = [
  "root=$1; dir=$2; shift 2",
  'mount -t proc proc "$root/proc" || exit 125',
  'exec chroot "$root" /bin/sh -c \'cd "$0" && exec "$@"\' "$dir" "$@"',
].join("\n");

/** The argv that enters the root and runs `command` there with a clean environment, maybe as a user. */
function enterArgs(root: string, command: readonly string[], options: RootCommandOptions): string[] {
  const user = options.user === undefined ? undefined : rootUser(root, options.user);
  const identity =
    options.user === undefined || user === undefined
      ? []
      : ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--init-groups"];
  const env = {
    ...(options.user === undefined || user === undefined
      ? {}
      : { USER: options.user, LOGNAME: options.user, HOME: user.home }),
    ...options.env,
  };
  return [
    "/bin/sh",
    "-c",
    ENTER_ROOT,
    "enter-root",
    root,
    options.cwd ?? user?.home ?? "/",
    ...identity,
    "env",
    "-i",
    ...environmentArgs(env),
    ...command,
  ];
}

/** Runs `command` inside `root` to completion and collects its output. Never rejects. */
export function runInRoot(
  root: string,
  command: readonly string[],
  options: RootCommandOptions = {},
): Promise<RootCommandResult> {
  return new Promise((resolve) => {
    const child = spawn(
      "unshare",
      ["--mount", "--propagation", "private", ...enterArgs(root, command, options)],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    collect(child, options, resolve);
  });
}

function collect(
  child: ChildProcess,
  options: RootCommandOptions,
  resolve: (result: RootCommandResult) => void,
): void {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
  child.on("error", (error) => {
    clearTimeout(timer);
    resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}` });
  });
  child.on("close", (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout, stderr });
  });
  child.stdin?.on("error", () => {});
  child.stdin?.end(options.input ?? "");
}

/** A long-lived program in the root, in its own PID namespace. */
export interface RootDaemon {
  readonly child: ChildProcess;
  /** Resolves when the namespace has ended (every process in it is gone). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Asks the program to stop (SIGTERM inside), then kills the namespace after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `command` (which must stay in the foreground) inside `root` as the first real process
 * of a new PID namespace. Closing our end of its stdin — `stop()`, or this Node process ending
 * for any reason — sends it SIGTERM; when it exits, the kernel kills everything else in the
 * namespace, and unshare's `--kill-child` does the same if unshare itself is killed.
 * Its output goes to `logFile` on the host when given, else is discarded.
 */
export function spawnInRoot(
  root: string,
  command: readonly string[],
  options: RootCommandOptions & { readonly logFd?: number } = {},
): RootDaemon {
  // fd 3 keeps the pipe from us; the program's own stdin is /dev/null.
  const supervisor = [
    "exec 3<&0 </dev/null",
    '"$@" & program=$!',
    "{ read -r _ <&3; kill -TERM $program 2>/dev/null; } &",
    "wait $program",
  ].join("\n");
  const inner = enterArgs(root, command, options);
  const child = spawn(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "--pid",
      "--fork",
      "--kill-child",
      "/bin/sh",
      "-c",
      supervisor,
      "supervise",
      ...inner,
    ],
    { stdio: ["pipe", options.logFd ?? "ignore", options.logFd ?? "ignore"] },
  );
  child.stdin?.on("error", () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal }));
    child.on("error", () => resolve({ code: null, signal: null }));
  });
  return {
    child,
    exited,
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

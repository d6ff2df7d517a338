import { readFileSync } from "node:fs";
import { userInfo } from "node:os";

function readLines(path: string): string[][] {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .map((line) => line.split(":"));
  } catch {
    return [];
  }
}

/**
 * The user's primary gid and its groups, from /etc/passwd and /etc/group (what initgroups(3)
 * finds for a local user); undefined when the user is not in /etc/passwd.
 */
export function localGroups(
  user: string,
  passwd: string[][] = readLines("/etc/passwd"),
  group: string[][] = readLines("/etc/group"),
): { readonly gid: number; readonly groups: number[] } | undefined {
  const entry = passwd.find((fields) => fields[0] === user && /^\d+$/.test(fields[3] ?? ""));
  if (entry === undefined) return undefined;
  const gid = Number(entry[3]);
  const groups = new Set([gid]);
  for (const fields of group) {
    const members = (fields[3] ?? "").split(",").map((m) => m.trim());
    if (members.includes(user) && /^\d+$/.test(fields[2] ?? "")) groups.add(Number(fields[2]));
  }
  return { gid, groups: [...groups] };
}

/**
 * Dropping root, as HTCondor's daemons do: condor_master starts what DAEMON_LIST names as root,
 * and each daemon switches to the `condor` user (or the uid.gid of `CONDOR_IDS`) before it does
 * anything else. The watch does the same, so its log, its helper and its AWS credentials
 * (`~condor/.aws`) are the condor user's.
 */

/** Who to become: `CONDOR_IDS` (`uid.gid`) when set, else the user `condor`. */
export type RunAsTarget = { readonly uid: number; readonly gid: number } | { readonly user: string };

/** Parses `CONDOR_IDS` (`uid.gid`); undefined when unset; throws on a malformed value. */
export function runAsTarget(condorIds: string | undefined): RunAsTarget {
  const text = condorIds?.trim();
  if (text === undefined || text === "") return { user: "condor" };
  const match = /^(\d+)\.(\d+)$/.exec(text);
  if (match === null) throw new Error(`CONDOR_IDS = "${text}" is invalid: expected uid.gid, e.g. 104.107`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}

/** The process calls used to switch (injected by tests). */
export interface IdentityCalls {
  readonly getuid: () => number;
  readonly setgid: (id: number | string) => void;
  readonly setgroups: (groups: number[]) => void;
  readonly setuid: (id: number | string) => void;
}

function processCalls(): IdentityCalls | undefined {
  const { getuid, setgid, setgroups, setuid } = process;
  if (!getuid || !setgid || !setgroups || !setuid) return undefined;
  return {
    getuid: () => getuid.call(process),
    setgid: (id) => setgid.call(process, id),
    setgroups: (groups) => setgroups.call(process, groups),
    setuid: (id) => setuid.call(process, id),
  };
}

/**
 * Becomes `target` when running as root (and does nothing otherwise); returns a line for the log,
 * or undefined when nothing changed. HOME, USER and LOGNAME follow the new user, so the AWS SDK
 * reads that user's shared credentials. Throws when the user does not exist.
 */
export function dropRoot(
  target: RunAsTarget,
  env: NodeJS.ProcessEnv = process.env,
  calls: IdentityCalls | undefined = processCalls(),
): string | undefined {
  if (calls === undefined || calls.getuid() !== 0) return undefined;
  if ("uid" in target && target.uid === 0) return undefined;
  if ("user" in target) {
    // A local user's groups from the files; for users from elsewhere (NSS), the group of the
    // same name only.
    const local = localGroups(target.user);
    if (local === undefined) {
      calls.setgroups([]);
      calls.setgid(target.user);
    } else {
      calls.setgroups(local.groups);
      calls.setgid(local.gid);
    }
    calls.setuid(target.user);
  } else {
    calls.setgroups([target.gid]);
    calls.setgid(target.gid);
    calls.setuid(target.uid);
  }
  const me = userInfo();
  env.HOME = me.homedir;
  env.USER = me.username;
  env.LOGNAME = me.username;
  return `running as ${me.username} (uid ${me.uid}), dropped from root`;
}

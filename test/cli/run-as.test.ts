import { describe, expect, it } from "vitest";
import { dropRoot, type IdentityCalls, localGroups, runAsTarget } from "../../src/cli/run-as.js";

function fakeCalls(uid: number) {
  const done: string[] = [];
  const calls: IdentityCalls = {
    getuid: () => uid,
    setgid: (id) => done.push(`setgid ${id}`),
    setgroups: (groups) => done.push(`setgroups ${groups.join(",")}`),
    setuid: (id) => done.push(`setuid ${id}`),
  };
  return { calls, done };
}

describe("running as the condor user", () => {
  it("takes CONDOR_IDS (uid.gid) when set, else the user condor", () => {
    expect(runAsTarget(undefined)).toEqual({ user: "condor" });
    expect(runAsTarget(" 104.107 ")).toEqual({ uid: 104, gid: 107 });
    expect(() => runAsTarget("condor")).toThrow('CONDOR_IDS = "condor" is invalid: expected uid.gid');
  });

  it("finds a local user's primary and supplementary groups", () => {
    const passwd = [["condor", "x", "101", "101", "", "/var/lib/condor", "/bin/false"]];
    const group = [
      ["condor", "x", "101", ""],
      ["docker", "x", "998", "alice,condor"],
      ["adm", "x", "4", "alice"],
    ];
    expect(localGroups("condor", passwd, group)).toEqual({ gid: 101, groups: [101, 998] });
    expect(localGroups("nobody-here", passwd, group)).toBeUndefined();
  });

  it("changes identity only when running as root, groups and gid before uid", () => {
    const root = fakeCalls(0);
    expect(dropRoot({ uid: 104, gid: 107 }, {}, root.calls)).toMatch(/^running as /);
    expect(root.done).toEqual(["setgroups 107", "setgid 107", "setuid 104"]);
    const stay = fakeCalls(0);
    expect(dropRoot({ uid: 0, gid: 0 }, {}, stay.calls)).toBeUndefined();
    expect(stay.done).toEqual([]);
    const user = fakeCalls(1000);
    expect(dropRoot({ user: "condor" }, {}, user.calls)).toBeUndefined();
    expect(user.done).toEqual([]);
  });
});

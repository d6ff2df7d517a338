import { describe, expect, it } from "vitest";
import {
  parseDebugFlags,
  parseGahpLaunchArgs,
  subsystemLogName,
  wantsFullDebug,
} from "../../src/gahp/launch-options.js";

describe("GAHP launch arguments", () => {
  it("accepts what condor_annex passes: -s, -l, -w, -m, -d", () => {
    const options = parseGahpLaunchArgs([
      "-s",
      "ANNEX_GAHP",
      "-l",
      "/var/log/condor",
      "-w",
      "1",
      "-m",
      "1",
      "-d",
      "D_ALWAYS",
    ]);
    expect(options).toMatchObject({
      subsystem: "ANNEX_GAHP",
      logDir: "/var/log/condor",
      minWorkers: 1,
      maxWorkers: 1,
      debugFlags: ["D_ALWAYS"],
      warnings: [],
    });
  });

  it("accepts what the gridmanager passes for EC2 jobs: -f <log file> and debug flags", () => {
    const options = parseGahpLaunchArgs(["-f", "/tmp/EC2GahpLog.alice", "-w", "1", "-m", "5", "-d", "D_PID"]);
    expect(options.logFile).toBe("/tmp/EC2GahpLog.alice");
    expect(options.debugFlags).toEqual(["D_PID"]);
  });

  it("takes a bare -f (foreground) without swallowing the next option", () => {
    const options = parseGahpLaunchArgs(["-f", "-l", "/logs"]);
    expect(options.logFile).toBeUndefined();
    expect(options.logDir).toBe("/logs");
  });

  it("accepts values glued to the option, as getopt does", () => {
    expect(parseGahpLaunchArgs(["-l/logs", "-sec2_gahp", "-dD_FULLDEBUG"])).toMatchObject({
      logDir: "/logs",
      subsystem: "EC2_GAHP",
      debugFlags: ["D_FULLDEBUG"],
    });
  });

  it("never fails: unknown options, stray words and missing values become warnings", () => {
    const options = parseGahpLaunchArgs(["-x", "stray", "--long", "-w", "many", "-l"]);
    expect(options.warnings).toHaveLength(5);
    expect(options.subsystem).toBe("ANNEX_GAHP");
  });

  it("splits debug flags on spaces, commas and bars, and knows full debugging", () => {
    expect(parseDebugFlags("D_ALWAYS d_pid,D_FULLDEBUG|D_CAT")).toEqual([
      "D_ALWAYS",
      "D_PID",
      "D_FULLDEBUG",
      "D_CAT",
    ]);
    expect(wantsFullDebug(["D_ALWAYS"])).toBe(false);
    expect(wantsFullDebug(["D_FULLDEBUG"])).toBe(true);
  });

  it("names the log file after the subsystem, HTCondor style", () => {
    expect(subsystemLogName("ANNEX_GAHP")).toBe("AnnexGahpLog");
    expect(subsystemLogName("EC2_GAHP")).toBe("Ec2GahpLog");
  });
});

import { describe, expect, it } from "vitest";
import { adText } from "../../src/classad/plain.js";
import { helperLaunch } from "../../src/cli/annex-helper.js";
import { confirmationText, hoursText } from "../../src/cli/confirm.js";
import { CliError, EXIT } from "../../src/cli/exit-codes.js";
import { createArgumentFromFlags } from "../../src/cli/request-options.js";
import { formatDuration, formatTable } from "../../src/cli/table.js";
import { StaticKnobs } from "../../src/condor/knobs.js";

const ENV = { userName: "alice", defaultOwnerConfigured: false };

describe("create flags → AnnexRequest", () => {
  it("maps each flag to its attribute", () => {
    const { request, leasePeriodSeconds } = createArgumentFromFlags(
      {
        name: "chem",
        maxInstances: "12",
        duration: "1.5",
        leaseMinutes: "30",
        leasePeriod: "30",
        idle: "0.1",
        instanceType: "c6i.2xlarge, c5.2xlarge",
        image: "ami-0123456789abcdef0",
        subnets: "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
        spot: true,
        onDemandBase: "1",
        region: "eu-west-1",
        collector: "cm.example.org:9618",
        tag: ["Project=chem", "Cost=a=b"],
        requestId: "r-17",
      },
      ENV,
    );
    expect(request).toEqual({
      Name: "chem",
      InstanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
      MaxInstances: 12,
      Spot: true,
      OnDemandBase: 1,
      LeaseMinutes: 30,
      MaxHours: 1.5,
      IdleMinutes: 6,
      ImageId: "ami-0123456789abcdef0",
      Subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      Region: "eu-west-1",
      CollectorHost: "cm.example.org:9618",
      Owner: "alice",
      Tags: { Project: "chem", Cost: "a=b", hpc_annex_request_id: "r-17" },
    });
    expect(leasePeriodSeconds).toBe(30);
  });

  it("rounds the idle time up to whole minutes (-idle 0.25 → 15, 0.001 → 1)", () => {
    expect(createArgumentFromFlags({ name: "x", idle: "0.25" }, ENV).request.IdleMinutes).toBe(15);
    expect(createArgumentFromFlags({ name: "x", idle: "0.001" }, ENV).request.IdleMinutes).toBe(1);
  });

  it("caps an explicit count's annex at that count unless MaxInstances is given; --count 0 keeps the default", () => {
    expect(createArgumentFromFlags({ name: "x", count: "3" }, ENV).request).toMatchObject({
      Count: 3,
      MaxInstances: 3,
    });
    expect(createArgumentFromFlags({ name: "x", count: "3", maxInstances: "9" }, ENV).request).toMatchObject({
      Count: 3,
      MaxInstances: 9,
    });
    expect(createArgumentFromFlags({ name: "x", count: "0" }, ENV).request.MaxInstances).toBeUndefined();
  });

  it("lets flags override a --request ad's attributes whatever their case", () => {
    const { request } = createArgumentFromFlags(
      { request: '[ name = "a"; maxinstances = 2; Spot = false ]', name: "b", maxInstances: "5", spot: true },
      ENV,
    );
    expect(request).toEqual({ Name: "b", MaxInstances: 5, Spot: true, Owner: "alice" });
    expect(adText(request)).toBe('[ Name = "b"; Spot = true; Owner = "alice"; MaxInstances = 5 ]');
  });

  it("reports a --request that is not a ClassAd with its position, as a usage error", () => {
    try {
      createArgumentFromFlags({ request: "[ Name = ]" }, ENV);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitStatus).toBe(EXIT.usage);
      expect((error as CliError).message).toMatch(/^--request is not a ClassAd \(1:\d+: /);
    }
  });
});

describe("confirmation text", () => {
  it("speaks condor_annex's words", () => {
    expect(
      confirmationText({
        name: "x",
        count: 1,
        maxInstances: 1,
        instanceTypes: ["m4.large"],
        spot: false,
        maxHours: 0.8333,
        idleMinutes: 15,
        leaseMinutes: 20,
      }),
    ).toBe(
      "Will request 1 m4.large on-demand instance for 0.83 hours. Each instance will terminate after being idle for 0.25 hours. " +
        'The annex "x" is deleted after 20 minutes without a heartbeat. Is that OK?',
    );
    expect(hoursText(8)).toBe("8");
  });
});

describe("the helper's command line", () => {
  it("runs ANNEX_GAHP with HTCondor's GAHP arguments; a .js helper runs with this Node", async () => {
    const launch = await helperLaunch(
      new StaticKnobs({
        ANNEX_GAHP: "/opt/condor-annex/bin/annex-gahp",
        ANNEX_GAHP_LOG: "/var/log/condor/AnnexGahpLog",
        ANNEX_GAHP_DEBUG: "D_FULLDEBUG",
      }),
    );
    expect(launch.command).toBe("/opt/condor-annex/bin/annex-gahp");
    expect(launch.args).toEqual([
      "-s",
      "ANNEX_GAHP",
      "-f",
      "/var/log/condor/AnnexGahpLog",
      "-d",
      "D_FULLDEBUG",
    ]);
    const byDir = await helperLaunch(
      new StaticKnobs({ ANNEX_GAHP: "/x/annex-gahp.js", LOG: "/var/log/condor" }),
    );
    expect(byDir.command).toBe(process.execPath);
    expect(byDir.args).toEqual(["/x/annex-gahp.js", "-s", "ANNEX_GAHP", "-l", "/var/log/condor"]);
    const fallback = await helperLaunch(new StaticKnobs({}));
    expect(fallback.args[0]).toMatch(/bin\/annex-gahp\.js$/);
  });
});

describe("tables", () => {
  it("pads columns, right-aligns numbers and trims line ends", () => {
    expect(
      formatTable(
        [{ header: "NAME" }, { header: "N", numeric: true }, { header: "NOTE" }],
        [
          ["a", "1", ""],
          ["long-name", "100", "x"],
        ],
      ),
    ).toBe("NAME         N  NOTE\na            1\nlong-name  100  x\n");
  });

  it("prints durations for people", () => {
    expect([45, 720, 3 * 3600 + 300, 50 * 3600, -90].map(formatDuration)).toEqual([
      "45s",
      "12m",
      "3h05m",
      "2d02h",
      "-1m",
    ]);
  });
});

import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseClassAd } from "../../src/classad/parse.js";
import type { PlainAd } from "../../src/classad/plain.js";
import { processContext } from "../../src/cli/cli-context.js";
import { runCli } from "../../src/cli/condor-annex.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { poolView } from "../../src/cli/pool-status.js";
import { StaticKnobs } from "../../src/condor/knobs.js";
import { fakeCli } from "./fake-helper.js";

const NOW = Date.UTC(2026, 10, 26, 9, 0, 0);
const nowS = NOW / 1000;

function createResult(argument: PlainAd): PlainAd {
  return {
    Name: String(argument.Name),
    StackName: `HTCondorAnnex-${String(argument.Name)}`,
    StackStatus: "CREATE_COMPLETE",
    Region: "us-east-1",
    Outcome: "created",
    RequestMatches: true,
    Deadline: nowS + 2 * 3600,
    DeadlineISO: "2026-11-26T11:00:00Z",
    DesiredCapacity: typeof argument.Count === "number" ? argument.Count : 0,
    Subnets: ["subnet-0123456789abcdef0"],
  };
}

const CLASSIC = [
  "-annex-name",
  "chem",
  "-count",
  "4",
  "-duration",
  "2",
  "-idle",
  "0.25",
  "-aws-region",
  "us-west-2",
  "-aws-on-demand-instance-type",
  "c5.xlarge",
  "-tag",
  "Project",
  "chem-42",
  "-yes",
];

const MODERN = [
  "create",
  "--name",
  "chem",
  "--count",
  "4",
  "--duration",
  "2",
  "--idle",
  "0.25",
  "--region",
  "us-west-2",
  "--instance-type",
  "c5.xlarge",
  "--tag",
  "Project=chem-42",
  "--yes",
];

const EXPECTED_REQUEST = {
  Name: "chem",
  Count: 4,
  MaxInstances: 4,
  MaxHours: 2,
  IdleMinutes: 15,
  Region: "us-west-2",
  InstanceTypes: ["c5.xlarge"],
  Tags: { Project: "chem-42" },
  Wait: true,
};

describe("condor-annex create", () => {
  it("sends the AnnexRequest built from its flags to ANNEX_CREATE and reports the stack", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult }, { now: NOW });
    const status = await runCli(MODERN, cli.ctx);
    expect(cli.stderr()).toBe("");
    expect(status).toBe(EXIT.ok);
    expect(cli.calls).toHaveLength(1);
    expect(cli.calls[0]?.command).toBe("ANNEX_CREATE");
    expect(cli.calls[0]?.argument).toMatchObject(EXPECTED_REQUEST);
    expect(cli.stdout()).toContain(
      "Annex chem created: stack HTCondorAnnex-chem CREATE_COMPLETE in us-east-1.",
    );
    expect(cli.stdout()).toContain("Desired instances: 4; deadline 2026-11-26 11:00Z");
  });

  it("shows progress on a terminal while it waits, and nothing on stderr otherwise", async () => {
    const slow = (a: PlainAd) =>
      new Promise<PlainAd>((resolve) => setTimeout(() => resolve(createResult(a)), 300));
    const tty = fakeCli({ ANNEX_CREATE: slow }, { stderrIsTTY: true });
    expect(await runCli(MODERN, tty.ctx)).toBe(EXIT.ok);
    const CLEAR_LINE = "\r\x1b[2K";
    expect(tty.stderr().startsWith(CLEAR_LINE)).toBe(true);
    expect(tty.stderr()).toContain(" creating annex chem (0s)");
    expect(tty.stderr().endsWith(CLEAR_LINE)).toBe(true);
    const pipe = fakeCli({ ANNEX_CREATE: slow });
    expect(await runCli(MODERN, pipe.ctx)).toBe(EXIT.ok);
    expect(pipe.stderr()).toBe("");
  });

  it("builds the same request from the classic condor_annex command line", async () => {
    const modern = fakeCli({ ANNEX_CREATE: createResult });
    const classic = fakeCli({ ANNEX_CREATE: createResult });
    expect(await runCli(MODERN, modern.ctx)).toBe(EXIT.ok);
    expect(await runCli(CLASSIC, classic.ctx)).toBe(EXIT.ok);
    expect(classic.calls[0]?.argument).toEqual(modern.calls[0]?.argument);
  });

  it("prints the helper's result ad as JSON with --json", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult });
    expect(await runCli([...MODERN, "--json"], cli.ctx)).toBe(EXIT.ok);
    const printed = JSON.parse(cli.stdout()) as Record<string, unknown>;
    expect(printed).toMatchObject({
      Name: "chem",
      Outcome: "created",
      DesiredCapacity: 4,
      Subnets: ["subnet-0123456789abcdef0"],
    });
  });

  it("refuses to spend money without --yes when stdin is not a terminal, and says so with condor_annex's question", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult });
    const status = await runCli(
      MODERN.filter((arg) => arg !== "--yes"),
      cli.ctx,
    );
    expect(status).toBe(EXIT.usage);
    expect(cli.calls).toHaveLength(0);
    expect(cli.helpersStarted()).toBe(0);
    expect(cli.stderr()).toContain(
      "Will request 4 c5.xlarge on-demand instances for 2 hours. Each instance will terminate after being idle for 0.25 hours.",
    );
    expect(cli.stderr()).toContain("Is that OK?");
    expect(cli.stderr()).toContain("Add --yes (classic: -yes)");
  });

  it("asks on a terminal and creates after 'y'", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult }, { stdinIsTTY: true, stdin: "y\n" });
    const status = await runCli(
      MODERN.filter((arg) => arg !== "--yes"),
      cli.ctx,
    );
    expect(status).toBe(EXIT.ok);
    expect(cli.stderr()).toContain("Is that OK? [y/N] ");
    expect(cli.calls).toHaveLength(1);
  });

  it("requests nothing when the answer is not yes", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult }, { stdinIsTTY: true, stdin: "n\n" });
    const status = await runCli(["create", "--name", "chem", "--count", "2"], cli.ctx);
    expect(status).toBe(EXIT.failure);
    expect(cli.calls).toHaveLength(0);
    expect(cli.stderr()).toContain("Not confirmed; nothing was requested.");
  });

  it("describes a demand-driven annex (no count) as up to MaxInstances", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult });
    await runCli(
      ["create", "burst", "--max-instances", "20", "--spot", "--instance-type", "c6i.2xlarge,c5.2xlarge"],
      cli.ctx,
    );
    expect(cli.stderr()).toContain(
      "Will request up to 20 c6i.2xlarge or c5.2xlarge spot instances (as many as the queue's jobs need) for 8 hours.",
    );
  });

  it("checks the request before asking or starting the helper: every problem, exit status 2", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult });
    const status = await runCli(
      ["create", "--name", "Chem_Burst", "--instance-type", "huge", "--yes"],
      cli.ctx,
    );
    expect(status).toBe(EXIT.usage);
    expect(cli.helpersStarted()).toBe(0);
    expect(cli.stderr()).toContain("the annex request is invalid");
    expect(cli.stderr()).toContain("Name:");
    expect(cli.stderr()).toContain(
      'InstanceTypes[0]: expected EC2 instance type (e.g. "c6i.2xlarge"), got "huge"',
    );
  });

  it("reports flag values of the wrong form as usage errors naming the flag", async () => {
    for (const [args, text] of [
      [["create", "x", "--count", "four", "--yes"], '--count expects an integer ≥ 0, got "four"'],
      [["create", "x", "--duration", "-1", "--yes"], "--duration"],
      [["create", "x", "--tag", "novalue", "--yes"], '--tag expects KEY=VALUE, got "novalue"'],
      [["create", "x", "--lease-period", "15", "--yes"], "--lease-period expects 10, 30 or 60"],
      [["create", "--yes"], "create needs an annex name"],
    ] as const) {
      const cli = fakeCli({ ANNEX_CREATE: createResult });
      expect(await runCli(args, cli.ctx)).toBe(EXIT.usage);
      expect(cli.stderr()).toContain(text);
    }
  });

  it("defaults the owner to the invoking user, unless --no-owner or ANNEX_DEFAULT_OWNER", async () => {
    const mine = fakeCli({ ANNEX_CREATE: createResult });
    await runCli(["create", "x", "--count", "1", "--yes"], mine.ctx);
    expect(typeof mine.calls[0]?.argument.Owner).toBe("string");
    const anyone = fakeCli({ ANNEX_CREATE: createResult });
    await runCli(["create", "x", "--count", "1", "--no-owner", "--yes"], anyone.ctx);
    expect(anyone.calls[0]?.argument.Owner).toBeUndefined();
    const knob = fakeCli({ ANNEX_CREATE: createResult }, { knobs: { ANNEX_DEFAULT_OWNER: "alice" } });
    await runCli(["create", "x", "--count", "1", "--yes"], knob.ctx);
    expect(knob.calls[0]?.argument.Owner).toBeUndefined();
    const named = fakeCli({ ANNEX_CREATE: createResult });
    await runCli(["create", "x", "--count", "1", "--owner", "alice, bob", "--yes"], named.ctx);
    expect(named.calls[0]?.argument.Owner).toBe("alice,bob");
  });

  it("takes a whole request as a ClassAd, as in a submit file, with flags overriding", async () => {
    const cli = fakeCli({ ANNEX_CREATE: createResult });
    await runCli(
      [
        "create",
        "--request",
        '[ Name = "chem-burst"; InstanceTypes = { "c6i.2xlarge" }; MaxInstances = 2 * 10; Spot = true; Tags = [ Team = "chem" ] ]',
        "--max-instances",
        "5",
        "--tag",
        "Run=7",
        "--lease-period",
        "10",
        "--no-wait",
        "--yes",
      ],
      cli.ctx,
    );
    expect(cli.calls[0]?.argument).toMatchObject({
      Name: "chem-burst",
      InstanceTypes: ["c6i.2xlarge"],
      MaxInstances: 5,
      Spot: true,
      Tags: { Team: "chem", Run: "7" },
      LeasePeriodSeconds: 10,
      Wait: false,
    });
  });

  it("maps the helper's error codes to exit statuses: not set up 3, invalid 2, AWS 1", async () => {
    for (const [code, status] of [
      ["E_NOT_SET_UP", EXIT.notSetUp],
      ["E_INVALID_REQUEST", EXIT.usage],
      ["E_CONFIG", EXIT.usage],
      ["E_THROTTLED", EXIT.failure],
      ["E_OTHER_POOL", EXIT.failure],
    ] as const) {
      const cli = fakeCli({ ANNEX_CREATE: () => ({ error: code, message: `the ${code} message` }) });
      expect(await runCli(["create", "x", "--count", "1", "--yes"], cli.ctx)).toBe(status);
      expect(cli.stderr()).toBe(`condor-annex: the ${code} message [${code}]\n`);
    }
  });
});

const ANNEX: PlainAd = {
  Name: "chem-burst",
  StackName: "HTCondorAnnex-chem-burst",
  StackStatus: "CREATE_COMPLETE",
  Region: "us-east-1",
  Deadline: nowS + 7 * 3600 + 59 * 60,
  InstanceCount: 3,
  InServiceCount: 2,
  LastHeartbeat: nowS - 40,
  Group: {
    Name: "HTCondorAnnex-chem-burst-group",
    DesiredCapacity: 4,
    Instances: [
      {
        InstanceId: "i-0123456789abcdef0",
        InstanceType: "c6i.2xlarge",
        AvailabilityZone: "us-east-1a",
        LifecycleState: "InService",
        HealthStatus: "Healthy",
      },
    ],
  },
  Alarm: { Name: "HTCondorAnnex-chem-burst-lease", State: "OK" },
  Request: { InstanceTypes: ["c6i.2xlarge"], MaxInstances: 20, Spot: true, LeaseMinutes: 20, Owner: "alice" },
};

const DELETING: PlainAd = {
  Name: "old-run",
  StackStatus: "DELETE_IN_PROGRESS",
  Deadline: nowS - 60,
  InstanceCount: 0,
  Alarm: { State: "ALARM" },
  Group: { DesiredCapacity: 0 },
};

describe("condor-annex status", () => {
  it("prints an aligned table: NAME STATE INSTANCES DESIRED IN POOL LEASE DEADLINE", async () => {
    const cli = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [ANNEX, DELETING] }) }, { now: NOW });
    expect(await runCli(["status"], cli.ctx)).toBe(EXIT.ok);
    expect(cli.calls[0]?.argument).toEqual({});
    expect(cli.stdout()).toBe(
      [
        "NAME        STATE     INSTANCES  DESIRED  IN POOL  LEASE              DEADLINE",
        "chem-burst  running         2/3        4  -        OK (beat 40s ago)  2026-11-26 16:59Z (in 7h59m)",
        "old-run     deleting          0        0  -        ALARM (no beat)    2026-11-26 08:59Z (passed)",
        "",
      ].join("\n"),
    );
  });

  it("joins the instances with the pool: which joined, and whether they are claimed", async () => {
    const two: PlainAd = {
      ...ANNEX,
      Group: {
        DesiredCapacity: 3,
        Instances: [
          { InstanceId: "i-0aaaaaaaaaaaaaaaa", LifecycleState: "InService" },
          { InstanceId: "i-0bbbbbbbbbbbbbbbb", LifecycleState: "InService" },
          { InstanceId: "i-0cccccccccccccccc", LifecycleState: "Pending" },
        ],
      },
    };
    const pool = poolView(
      [
        '[ EC2InstanceID = "i-0aaaaaaaaaaaaaaaa"; AnnexName = "chem-burst"; State = "Claimed" ]',
        '[ EC2InstanceID = "i-0aaaaaaaaaaaaaaaa"; AnnexName = "chem-burst"; State = "Unclaimed" ]',
        '[ EC2InstanceID = "i-0bbbbbbbbbbbbbbbb"; AnnexName = "chem-burst"; State = "Unclaimed" ]',
        '[ Name = "slot1@elsewhere"; State = "Claimed" ]',
      ].map((text) => {
        const parsed = parseClassAd(text);
        if (!parsed.ok) throw new Error(parsed.error.message);
        return parsed.value;
      }),
    );
    const cli = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [two] }) }, { now: NOW });
    const ctx = { ...cli.ctx, readPool: async () => ({ ok: true as const, instances: pool }) };
    expect(await runCli(["status", "chem-burst"], ctx)).toBe(EXIT.ok);
    expect(cli.stdout()).toContain("chem-burst  running        2/3        3  2 (1 claimed)  OK");
    expect(cli.stdout()).toMatch(/i-0aaaaaaaaaaaaaaaa .* claimed 1\/2\n/);
    expect(cli.stdout()).toMatch(/i-0bbbbbbbbbbbbbbbb .* idle\n/);
    expect(cli.stdout()).toMatch(/i-0cccccccccccccccc .* not joined\n/);
    const json = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [two] }) }, { now: NOW });
    await runCli(["status", "--json"], { ...json.ctx, readPool: ctx.readPool });
    const annex = (JSON.parse(json.stdout()) as { Annexes: PlainAd[] }).Annexes[0];
    expect(annex?.JoinedInstances).toBe(2);
    expect(annex?.ClaimedInstances).toBe(1);
    const failing = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [two] }) }, { now: NOW });
    await runCli(["status"], {
      ...failing.ctx,
      readPool: async () => ({
        ok: false as const,
        error: "condor_status exited with status 1: Error: no collector",
      }),
    });
    expect(failing.stdout()).toContain(
      "(the pool could not be asked: condor_status exited with status 1: Error: no collector)",
    );
  });

  it("shows one annex's instances and request, as classic -status -annex-name did", async () => {
    const cli = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [ANNEX] }) }, { now: NOW });
    expect(await runCli(["-status", "-annex-name", "chem-burst"], cli.ctx)).toBe(EXIT.ok);
    expect(cli.calls[0]?.argument).toEqual({ Name: "chem-burst" });
    expect(cli.stdout()).toContain("i-0123456789abcdef0  c6i.2xlarge  us-east-1a  InService  Healthy");
    expect(cli.stdout()).toContain(
      "Request: c6i.2xlarge, up to 20 spot instances, lease 20 min, owner alice.",
    );
  });

  it("prints JSON with --json and long-form ClassAds with --classad", async () => {
    const json = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [ANNEX] }) });
    await runCli(["status", "--json"], json.ctx);
    expect(JSON.parse(json.stdout())).toEqual({ Annexes: [ANNEX] });
    const classad = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [ANNEX] }) });
    await runCli(["status", "--classad"], classad.ctx);
    expect(classad.stdout()).toContain('Name = "chem-burst"\n');
    expect(classad.stdout()).toContain("InServiceCount = 2\n");
  });

  it("says so when the pool has no annexes; a missing named annex exits 1", async () => {
    const none = fakeCli({ ANNEX_STATUS: () => ({ Annexes: [] }) });
    expect(await runCli(["status"], none.ctx)).toBe(EXIT.ok);
    expect(none.stdout()).toBe("No annexes of this pool.\n");
    const missing = fakeCli({
      ANNEX_STATUS: () => ({ error: "E_NOT_FOUND", message: "no annex x of this pool" }),
    });
    expect(await runCli(["status", "x"], missing.ctx)).toBe(EXIT.failure);
  });
});

describe("condor-annex extend and delete", () => {
  it("extends by --duration hours (classic: -annex-name N -duration H)", async () => {
    const handler = (a: PlainAd) => ({
      Name: String(a.Name),
      StackStatus: "UPDATE_COMPLETE",
      PreviousDeadline: nowS + 3600,
      Deadline: nowS + 4 * 3600,
    });
    const classic = fakeCli({ ANNEX_EXTEND: handler });
    expect(await runCli(["-annex-name", "chem", "-duration", "3"], classic.ctx)).toBe(EXIT.ok);
    expect(classic.calls[0]?.argument).toEqual({ Name: "chem", Hours: 3, Wait: true });
    expect(classic.stdout()).toBe(
      "Annex chem: deadline moved from 2026-11-26 10:00Z to 2026-11-26 13:00Z (UPDATE_COMPLETE).\n",
    );
    const noHours = fakeCli({ ANNEX_EXTEND: handler });
    expect(await runCli(["extend", "chem"], noHours.ctx)).toBe(EXIT.usage);
  });

  it("deletes by name and reports the tokens removed", async () => {
    const cli = fakeCli({
      ANNEX_DELETE: (a) => ({
        Name: String(a.Name),
        StackName: "HTCondorAnnex-chem",
        StackExisted: true,
        StackStatus: "DELETE_COMPLETE",
        TokensDeleted: ["tokens/chem/pool.token"],
      }),
    });
    expect(await runCli(["delete", "chem", "--region", "eu-west-1"], cli.ctx)).toBe(EXIT.ok);
    expect(cli.calls[0]?.argument).toEqual({ Name: "chem", Region: "eu-west-1", Wait: true });
    expect(cli.stdout()).toBe(
      "Annex chem deleted: stack HTCondorAnnex-chem DELETE_COMPLETE; 1 token object(s) removed.\n",
    );
  });
});

describe("condor-annex setup", () => {
  it("sends region and zip to ANNEX_SETUP and prints the outputs (classic: -setup)", async () => {
    const cli = fakeCli({
      ANNEX_SETUP: () => ({
        StackName: "HTCondorAnnex-Setup",
        StackStatus: "CREATE_COMPLETE",
        Outcome: "created",
        Region: "eu-west-1",
        TokenBucket: "htcondorannex-setup-tokenbucket-1",
        LeaseFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:lease",
        CloudFormationRoleArn: "arn:aws:iam::123456789012:role/cfn",
      }),
    });
    expect(await runCli(["-setup", "-aws-region", "eu-west-1"], cli.ctx)).toBe(EXIT.ok);
    expect(cli.calls[0]?.argument).toEqual({ Region: "eu-west-1" });
    expect(cli.stdout()).toContain("Setup stack HTCondorAnnex-Setup created (CREATE_COMPLETE) in eu-west-1.");
    expect(cli.stdout()).toContain("token bucket:       htcondorannex-setup-tokenbucket-1");
  });

  it("refuses classic key files with the reason", async () => {
    const cli = fakeCli({});
    expect(await runCli(["-setup", "/home/me/access", "/home/me/secret"], cli.ctx)).toBe(EXIT.usage);
    expect(cli.stderr()).toContain("credentials come from AWS's standard chain");
  });
});

describe("condor-annex without a working helper", () => {
  it("exits 1 naming ANNEX_GAHP when the helper cannot be started", async () => {
    let stderr = "";
    const ctx = processContext(
      {
        stdout: { write: () => {} },
        stderr: {
          write: (text) => {
            stderr += text;
          },
        },
        stdin: Readable.from([]),
        stdinIsTTY: false,
        stderrIsTTY: false,
      },
      new StaticKnobs({ ANNEX_GAHP: "/nonexistent/annex-gahp", COLLECTOR_HOST: "cm:9618" }),
      {},
    );
    expect(await runCli(["status"], ctx)).toBe(EXIT.failure);
    expect(stderr).toMatch(
      /^condor-annex: cannot start the annex-gahp helper \(ANNEX_GAHP = \/nonexistent\/annex-gahp\): /,
    );
  });
});

describe("condor-annex usage", () => {
  it("exits 2 on unknown options and 0 on --help", async () => {
    const unknown = fakeCli({});
    expect(await runCli(["status", "--bogus"], unknown.ctx)).toBe(EXIT.usage);
    expect(unknown.stderr()).toContain("unknown option '--bogus'");
    const help = fakeCli({});
    expect(await runCli(["--help"], help.ctx)).toBe(EXIT.ok);
    expect(help.stdout()).toContain("Exit status: 0 ok; 1 failure from AWS or the helper; 2 usage error");
    const classic = fakeCli({});
    expect(await runCli(["-aws-on-demand-key-name", "k"], classic.ctx)).toBe(EXIT.usage);
    expect(classic.stderr()).toContain("-aws-on-demand-key-name is not supported");
  });
});

describe("condor-annex template", () => {
  it("renders an annex stack from create's flags, as JSON or YAML", async () => {
    const json = fakeCli({});
    expect(
      await runCli(
        ["template", "annex", "chem", "--instance-type", "c6i.2xlarge", "--spot", "--lease-period", "10"],
        json.ctx,
      ),
    ).toBe(EXIT.ok);
    const template = JSON.parse(json.stdout()) as { Resources: Record<string, { Type: string }> };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).toContain("AWS::AutoScaling::AutoScalingGroup");
    expect(types).toContain("AWS::CloudWatch::Alarm");
    const yaml = fakeCli({});
    expect(
      await runCli(
        [
          "template",
          "annex",
          "chem",
          "--instance-type",
          "c6i.2xlarge",
          "--spot",
          "--lease-period",
          "10",
          "--format",
          "yaml",
        ],
        yaml.ctx,
      ),
    ).toBe(EXIT.ok);
    expect(parseYaml(yaml.stdout())).toEqual(JSON.parse(json.stdout()));
    const setup = fakeCli({});
    expect(await runCli(["template", "setup", "--format", "yaml"], setup.ctx)).toBe(EXIT.ok);
    expect(setup.stdout()).toContain("AWS::S3::Bucket");
  });

  it("rejects an invalid request or format with exit status 2", async () => {
    const bad = fakeCli({});
    expect(await runCli(["template", "annex", "Bad_Name"], bad.ctx)).toBe(EXIT.usage);
    expect(bad.stderr()).toContain("Name:");
    const format = fakeCli({});
    expect(await runCli(["template", "setup", "--format", "xml"], format.ctx)).toBe(EXIT.usage);
  });
});

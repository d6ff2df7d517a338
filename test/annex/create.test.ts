/**
 * Create's race paths, which the emulator cannot produce (its CreateStack is not atomic on the
 * name): CreateStack answers AlreadyExists because another helper won between our describe and
 * our create. The in-memory cloud plays the account; its hook lets the other helper win.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { StackCreation, StoredObject } from "../../src/annex/cloud.js";
import {
  AnnexOperations,
  OtherPoolError,
  parseAnnexRequest,
  requestDigest,
  SETUP_STACK_NAME,
  TAG_POOL,
  TAG_REQUEST,
} from "../../src/annex/index.js";
import { Secret } from "../../src/annex/redact.js";
import { FakeCloud, type FakeRegion } from "./fake-cloud.js";
import { TEST_DEFAULTS } from "./support.js";

const POOL = "cm.example.org:9618";
const request = parseAnnexRequest({ Name: "race", Count: 2 }, TEST_DEFAULTS);

let cloud: FakeCloud;

/** The other helper's stack, created between our describe and our create. */
function winsTheRace(pool: string): void {
  cloud.before("createStack", (region: FakeRegion) => {
    region.putStack({
      name: "HTCondorAnnex-race",
      tags: new Map([
        [TAG_POOL, pool],
        [TAG_REQUEST, requestDigest(request)],
      ]),
    });
    region.groups.set("HTCondorAnnex-race", {
      groupName: "HTCondorAnnex-race",
      desiredCapacity: 0,
      minSize: 0,
      maxSize: 10,
      instanceTypes: ["m6i.large"],
      onDemandBase: 0,
      onDemandPercentageAboveBase: 100,
      instances: [],
    });
  });
}

function operations(): AnnexOperations {
  return new AnnexOperations({
    cloud,
    defaults: TEST_DEFAULTS,
    pool: POOL,
    polling: { intervalMs: 1, timeoutMs: 100 },
  });
}

function creation(): StackCreation | undefined {
  return cloud.argsOf("createStack")[0]?.[0] as StackCreation | undefined;
}

beforeEach(() => {
  cloud = new FakeCloud("us-east-1");
  const home = cloud.home;
  home.putStack({
    name: SETUP_STACK_NAME,
    status: "UPDATE_COMPLETE",
    outputs: {
      TokenBucketName: "tokens-bucket",
      LeaseFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:lease",
      ServiceRoleArn: "arn:aws:iam::123456789012:role/cfn",
    },
  });
  home.defaultVpcId = "vpc-0123abcd";
  home.subnets.push(
    { subnetId: "subnet-0bbbbbbbbbbbbbbbb", availabilityZone: "us-east-1b", vpcId: "vpc-0123abcd" },
    { subnetId: "subnet-0aaaaaaaaaaaaaaaa", availabilityZone: "us-east-1a", vpcId: "vpc-0123abcd" },
  );
});

describe("create when another helper wins the race to CreateStack", () => {
  it("adopts the winner's stack when it belongs to our pool, uploads our token and resizes", async () => {
    winsTheRace(POOL);
    const result = await operations().create(request, { token: new Secret("tok") });
    expect(result).toMatchObject({ outcome: "adopted", requestMatches: true, desiredCapacity: 2 });
    const create = creation();
    expect(create?.clientRequestToken).toMatch(/^annex-race-[0-9a-f]{32}$/);
    expect(create?.roleArn).toBe("arn:aws:iam::123456789012:role/cfn");
    expect(create?.parameters).toEqual(expect.arrayContaining([{ key: "DesiredCapacity", value: "2" }]));
    const [token] = cloud.argsOf("putObject")[0] ?? [];
    expect(token).toMatchObject({ bucket: "tokens-bucket", key: "tokens/race/pool.token", body: "tok" });
    expect(cloud.home.objects.get("tokens-bucket/tokens/race/pool.token")).toMatchObject<
      Partial<StoredObject>
    >({
      body: "tok",
    });
    expect(cloud.argsOf("setDesiredCapacity").map(([group, count]) => [group, count])).toEqual([
      ["HTCondorAnnex-race", 2],
    ]);
  });

  it("refuses, naming the other pool, and uploads nothing when the winner is another pool", async () => {
    winsTheRace("cm.other.org");
    const attempt = operations().create(request, { token: new Secret("tok") });
    await expect(attempt).rejects.toBeInstanceOf(OtherPoolError);
    await expect(attempt).rejects.toThrow(
      /belongs to pool "cm\.other\.org", not to this pool "cm\.example\.org:9618"/,
    );
    expect(cloud.argsOf("putObject")).toHaveLength(0);
    expect(cloud.argsOf("setDesiredCapacity")).toHaveLength(0);
  });

  it("tags a request for several owners with a tag-safe owner value and restricts START to them", async () => {
    winsTheRace(POOL);
    const forTwo = parseAnnexRequest({ Name: "race", Owner: "alice, bob" }, TEST_DEFAULTS);
    await operations().create(forTwo, { token: new Secret("tok") });
    const input = creation();
    expect(input?.tags).toContainEqual({ Key: "htcondor:owner", Value: "alice bob" });
    expect(input?.templateBody).toContain("alice");
    expect(input?.templateBody).toContain("bob");
  });

  it("places a new annex in the default VPC's subnets, one per zone, in zone order", async () => {
    winsTheRace(POOL);
    await operations().create(request, { token: new Secret("tok") });
    const body = JSON.parse(creation()?.templateBody ?? "{}") as {
      Resources: { AutoScalingGroup: { Properties: { VPCZoneIdentifier: string[] } } };
    };
    expect(body.Resources.AutoScalingGroup.Properties.VPCZoneIdentifier).toEqual([
      "subnet-0aaaaaaaaaaaaaaaa",
      "subnet-0bbbbbbbbbbbbbbbb",
    ]);
  });
});

describe("create without a race", () => {
  it("creates the stack (deleted on failure, as the service role), uploads the token and seeds the lease", async () => {
    const result = await operations().create(request, { token: new Secret("tok") });
    expect(result).toMatchObject({ outcome: "created", stackStatus: "CREATE_COMPLETE", desiredCapacity: 2 });
    expect(creation()).toMatchObject({ deleteOnFailure: true, capabilities: ["CAPABILITY_IAM"] });
    expect(cloud.home.objects.has("tokens-bucket/tokens/race/pool.token")).toBe(true);
    expect(cloud.home.metrics).toEqual([
      {
        namespace: "HTCondor/Annex",
        datum: expect.objectContaining({
          metricName: "Heartbeat",
          dimensions: { AnnexName: "race" },
          value: 2,
        }),
      },
    ]);
  });

  it("names the missing setup stack before calling anything else", async () => {
    cloud.home.stacks.delete(SETUP_STACK_NAME);
    await expect(operations().create(request, { token: new Secret("tok") })).rejects.toMatchObject({
      code: "E_NOT_SET_UP",
    });
    expect(cloud.argsOf("createStack")).toHaveLength(0);
  });
});

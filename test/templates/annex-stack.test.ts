/**
 * The annex stack: its lease wiring, the group over all instance types, tags everywhere, image
 * sources, parameter validation, and the stack tags the sweeper relies on.
 */
import { describe, expect, it } from "vitest";
import {
  ANNEX_PARAMETERS,
  type AnnexStackParams,
  annexStackProblems,
  annexStackTags,
  type CfnTemplate,
  type Json,
  leaseEvaluationPeriods,
  renderAnnexStack,
  TemplateParamsError,
  templateBody,
} from "../../templates/index.js";
import { annexVariants, baseAnnex } from "./variants.js";

type Obj = { readonly [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
function props(t: CfnTemplate, id: string): Obj {
  const p = t.Resources[id]?.Properties;
  if (p === undefined) throw new Error(`resource ${id} missing`);
  return p;
}
function get(o: Json | undefined, ...path: string[]): Json | undefined {
  let cur = o;
  for (const k of path) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
}

describe("the lease", () => {
  const t = renderAnnexStack(baseAnnex);

  it("is an alarm on the annex's heartbeat: Maximum < 1 for LeaseMinutes, missing data breaching, action → topic", () => {
    expect(props(t, "LeaseAlarm")).toMatchObject({
      AlarmName: "HTCondorAnnex-chem-burst-lease",
      Namespace: "HTCondor/Annex",
      MetricName: "Heartbeat",
      Dimensions: [{ Name: "AnnexName", Value: "chem-burst" }],
      Statistic: "Maximum",
      Period: 60,
      EvaluationPeriods: 20,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
      ActionsEnabled: true,
      AlarmActions: [{ Ref: "LeaseTopic" }],
    });
    // No INSUFFICIENT_DATA or OK actions: only a lapsed lease may reach the Lambda.
    expect(props(t, "LeaseAlarm").InsufficientDataActions).toBeUndefined();
    expect(props(t, "LeaseAlarm").OKActions).toBeUndefined();
  });

  it("covers the whole window with high-resolution periods when asked", () => {
    const hi = renderAnnexStack({ ...baseAnnex, leaseMinutes: 0.5, leasePeriodSeconds: 10 });
    expect(props(hi, "LeaseAlarm")).toMatchObject({ Period: 10, EvaluationPeriods: 3 });
    expect(leaseEvaluationPeriods(20, 30)).toBe(40);
    expect(leaseEvaluationPeriods(0.75, 60)).toBe(1);
    expect(leaseEvaluationPeriods(1.5, 60)).toBe(2);
  });

  it("topic is subscribed to the lease Lambda, which SNS may invoke for this topic only", () => {
    expect(props(t, "LeaseTopic")).toMatchObject({
      TopicName: "HTCondorAnnex-chem-burst-lease",
      Subscription: [{ Protocol: "lambda", Endpoint: baseAnnex.leaseFunctionArn }],
    });
    expect(props(t, "LeaseInvokePermission")).toEqual({
      Action: "lambda:InvokeFunction",
      FunctionName: baseAnnex.leaseFunctionArn,
      Principal: "sns.amazonaws.com",
      SourceArn: { Ref: "LeaseTopic" },
    });
    expect(t.Resources.LeaseAlarm?.DependsOn).toBe("LeaseInvokePermission");
  });

  it("uses no custom resources", () => {
    for (const v of annexVariants()) {
      for (const r of Object.values(renderAnnexStack(v.params).Resources)) {
        expect(r.Type.startsWith("Custom::") || r.Type === "AWS::CloudFormation::CustomResource").toBe(false);
      }
    }
  });
});

describe("the AutoScaling group", () => {
  it("mixes every requested instance type, in order, through one launch template", () => {
    const types = ["c6i.2xlarge", "c5.2xlarge", "m6i.2xlarge"];
    const t = renderAnnexStack({ ...baseAnnex, instanceTypes: types });
    const groups = Object.values(t.Resources).filter((r) => r.Type === "AWS::AutoScaling::AutoScalingGroup");
    expect(groups).toHaveLength(1);
    const mip = props(t, "AutoScalingGroup").MixedInstancesPolicy;
    expect(get(mip, "LaunchTemplate", "Overrides")).toEqual(types.map((InstanceType) => ({ InstanceType })));
    expect(get(mip, "LaunchTemplate", "LaunchTemplateSpecification")).toEqual({
      LaunchTemplateId: { Ref: "LaunchTemplate" },
      Version: { "Fn::GetAtt": ["LaunchTemplate", "LatestVersionNumber"] },
    });
  });

  it("is all spot above the base when spot, all on-demand otherwise, or the requested mix", () => {
    const dist = (p: Partial<AnnexStackParams>) =>
      get(
        props(renderAnnexStack({ ...baseAnnex, ...p }), "AutoScalingGroup").MixedInstancesPolicy,
        "InstancesDistribution",
      );
    expect(dist({ spot: true })).toEqual({
      OnDemandAllocationStrategy: "prioritized",
      OnDemandBaseCapacity: 0,
      OnDemandPercentageAboveBaseCapacity: 0,
      SpotAllocationStrategy: "price-capacity-optimized",
    });
    expect(dist({ spot: false })).toEqual({
      OnDemandAllocationStrategy: "prioritized",
      OnDemandBaseCapacity: 0,
      OnDemandPercentageAboveBaseCapacity: 100,
    });
    expect(dist({ spot: true, onDemandBase: 2, onDemandPercentageAboveBase: 25 })).toMatchObject({
      OnDemandBaseCapacity: 2,
      OnDemandPercentageAboveBaseCapacity: 25,
      SpotAllocationStrategy: "price-capacity-optimized",
    });
    expect(props(renderAnnexStack({ ...baseAnnex, spot: true }), "AutoScalingGroup").CapacityRebalance).toBe(
      true,
    );
    expect(
      props(renderAnnexStack({ ...baseAnnex, spot: false }), "AutoScalingGroup").CapacityRebalance,
    ).toBeUndefined();
  });

  it("takes its size from parameters a resize can change, starting from the request", () => {
    const t = renderAnnexStack({ ...baseAnnex, desiredCapacity: 3, maxCapacity: 7 });
    expect(props(t, "AutoScalingGroup")).toMatchObject({
      AutoScalingGroupName: "HTCondorAnnex-chem-burst",
      MinSize: "0",
      MaxSize: { Ref: ANNEX_PARAMETERS.maxCapacity },
      DesiredCapacity: { Ref: ANNEX_PARAMETERS.desiredCapacity },
    });
    expect(t.Parameters?.[ANNEX_PARAMETERS.desiredCapacity]?.Default).toBe(3);
    expect(t.Parameters?.[ANNEX_PARAMETERS.maxCapacity]?.Default).toBe(7);
  });

  it("uses the given subnets (and their VPC), or every zone of the default VPC", () => {
    const withSubnets = renderAnnexStack({
      ...baseAnnex,
      subnets: ["subnet-0123456789abcdef0"],
      vpcId: "vpc-0123456789abcdef0",
    });
    expect(props(withSubnets, "AutoScalingGroup").VPCZoneIdentifier).toEqual(["subnet-0123456789abcdef0"]);
    expect(props(withSubnets, "SecurityGroup").VpcId).toBe("vpc-0123456789abcdef0");
    const defaultVpc = renderAnnexStack(baseAnnex);
    expect(props(defaultVpc, "AutoScalingGroup").AvailabilityZones).toEqual({ "Fn::GetAZs": "" });
    expect(props(defaultVpc, "AutoScalingGroup").VPCZoneIdentifier).toBeUndefined();
    expect(props(defaultVpc, "SecurityGroup").VpcId).toBeUndefined();
  });
});

describe("tags", () => {
  const p = { ...baseAnnex, tags: { project: "moore-lab" } };
  const t = renderAnnexStack(p);
  const expected = [
    { Key: "htcondor:annex-name", Value: "chem-burst" },
    { Key: "htcondor:AnnexName", Value: "chem-burst" },
    { Key: "htcondor:pool", Value: "cm.example.org:9618" },
    { Key: "htcondor:owner", Value: "alice" },
    { Key: "htcondor:managed-by", Value: "condor-annex" },
    { Key: "project", Value: "moore-lab" },
  ];

  it("go on instances, volumes, network interfaces and spot requests through the launch template", () => {
    const specs = get(props(t, "LaunchTemplate"), "LaunchTemplateData", "TagSpecifications");
    expect(specs).toEqual(
      ["instance", "volume", "network-interface", "spot-instances-request"].map((ResourceType) => ({
        ResourceType,
        Tags: expected,
      })),
    );
  });

  it("go on the group (propagated at launch), topic, role and security group", () => {
    expect(props(t, "AutoScalingGroup").Tags).toEqual(
      expected.map((x) => ({ ...x, PropagateAtLaunch: true })),
    );
    for (const id of ["LeaseTopic", "InstanceRole", "SecurityGroup"])
      expect(props(t, id).Tags, id).toEqual(expected);
  });

  it("on the stack carry name, pool, owner, deadline and request for the sweeper and list", () => {
    expect(annexStackTags({ ...p, request: "req-v1", pool: "pool-a" })).toEqual([
      { Key: "htcondor:annex-name", Value: "chem-burst" },
      { Key: "htcondor:pool", Value: "pool-a" },
      { Key: "htcondor:owner", Value: "alice" },
      { Key: "htcondor:deadline", Value: "2026-11-26T16:00:00Z" },
      { Key: "htcondor:request", Value: "req-v1" },
      { Key: "project", Value: "moore-lab" },
    ]);
  });
});

describe("the image", () => {
  it("is an AMI id written into the launch template", () => {
    const t = renderAnnexStack(baseAnnex);
    expect(get(props(t, "LaunchTemplate"), "LaunchTemplateData", "ImageId")).toBe("ami-0123456789abcdef0");
    expect(t.Parameters?.[ANNEX_PARAMETERS.imageId]).toBeUndefined();
  });

  it("or an SSM parameter resolved by CloudFormation at deploy time", () => {
    const parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
    const t = renderAnnexStack({ ...baseAnnex, image: { kind: "ssm", parameter } });
    expect(t.Parameters?.[ANNEX_PARAMETERS.imageId]).toMatchObject({
      Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
      Default: parameter,
    });
    expect(get(props(t, "LaunchTemplate"), "LaunchTemplateData", "ImageId")).toEqual({
      Ref: ANNEX_PARAMETERS.imageId,
    });
  });
});

describe("the launch template", () => {
  it("carries the rendered bootstrap as user data and terminates on shutdown", () => {
    const data = get(props(renderAnnexStack(baseAnnex), "LaunchTemplate"), "LaunchTemplateData");
    const script = get(data, "UserData", "Fn::Base64");
    expect(typeof script === "string" && script.startsWith("#!/bin/bash\n")).toBe(true);
    expect(script).toContain("ANNEX_NAME='chem-burst'");
    expect(script).toContain("TOKEN_KEY='tokens/chem-burst/pool.token'");
    expect(get(data, "InstanceInitiatedShutdownBehavior")).toBe("terminate");
    expect(get(data, "IamInstanceProfile")).toEqual({ Arn: { "Fn::GetAtt": ["InstanceProfile", "Arn"] } });
  });

  it("fits every variant well within CloudFormation's 51,200-byte template body", () => {
    for (const v of annexVariants())
      expect(Buffer.byteLength(templateBody(renderAnnexStack(v.params))), v.name).toBeLessThan(40_000);
  });
});

describe("parameter validation", () => {
  const cases: [string, Partial<AnnexStackParams>, RegExp][] = [
    [
      "a name that is no DNS label",
      { annexName: "chem_burst!" },
      /^annexName "chem_burst!": expected a DNS label/,
    ],
    ["no instance types", { instanceTypes: [] }, /^instanceTypes: expected at least one/],
    [
      "a malformed instance type",
      { instanceTypes: ["huge"] },
      /^instanceTypes: "huge" is not of the form family.size/,
    ],
    [
      "subnets without their VPC",
      { subnets: ["subnet-0123456789abcdef0"] },
      /^vpcId: required when subnets are given/,
    ],
    [
      "a bad subnet id",
      { subnets: ["sn-1"], vpcId: "vpc-0123456789abcdef0" },
      /^subnets: "sn-1" is not a subnet id/,
    ],
    ["a bad AMI id", { image: { kind: "ami", imageId: "ubuntu" } }, /^image: "ubuntu" is not an AMI id/],
    [
      "a bad SSM path",
      { image: { kind: "ssm", parameter: "al2023" } },
      /^image: "al2023" is not an SSM parameter path/,
    ],
    [
      "desired above max",
      { desiredCapacity: 5, maxCapacity: 4 },
      /^desiredCapacity: must not exceed maxCapacity/,
    ],
    ["a lease longer than a day", { leaseMinutes: 1441 }, /^leaseMinutes: at most 1440/],
    [
      "a lease shorter than one period",
      { leaseMinutes: 0.1 },
      /^leaseMinutes: must cover at least one alarm period/,
    ],
    ["a bad period", { leasePeriodSeconds: 20 as 10 }, /^leasePeriodSeconds: expected one of 10, 30, 60/],
    ["a non-ISO deadline", { deadline: "tomorrow" }, /^deadline: "tomorrow" is not an ISO 8601 time/],
    [
      "a collector with spaces",
      { collectorHost: "cm.example.org\nSTART = True" },
      /^collectorHost: .* is not host or host:port/,
    ],
    [
      "a token key outside the prefix",
      { tokenKey: "tokens/other/pool.token" },
      /^tokenKey: must be under tokens\/chem-burst\//,
    ],
    [
      "a bad Lambda ARN",
      { leaseFunctionArn: "lease" },
      /^leaseFunctionArn: "lease" is not a Lambda function ARN/,
    ],
    ["a reserved tag key", { tags: { "aws:cost": "x" } }, /^tags: key "aws:cost" is reserved/],
    [
      "an htcondor: tag key",
      { tags: { "htcondor:pool": "x" } },
      /^tags: key "htcondor:pool" uses the reserved htcondor: prefix/,
    ],
    [
      "an open port range",
      { ingress: [{ cidr: "0.0.0.0/0", protocol: "tcp", fromPort: 10, toPort: 5 }] },
      /^ingress\[0\]: expected 0 ≤ fromPort ≤ toPort/,
    ],
    [
      "a bad CIDR",
      { ingress: [{ cidr: "10.0.0.0/33", protocol: "tcp", fromPort: 22, toPort: 22 }] },
      /^ingress\[0\].cidr: "10.0.0.0\/33" is not an IPv4 CIDR/,
    ],
    [
      "a job owner with a comma",
      { allowedJobOwners: ["a,b"] },
      /^allowedJobOwners: "a,b" is not a user name/,
    ],
  ];
  for (const [what, change, message] of cases) {
    it(`rejects ${what} with a message naming the field`, () => {
      const problems = annexStackProblems({ ...baseAnnex, ...change });
      expect(
        problems.some((p) => message.test(p)),
        problems.join(" | "),
      ).toBe(true);
      expect(() => renderAnnexStack({ ...baseAnnex, ...change })).toThrow(TemplateParamsError);
    });
  }

  it("reports every problem at once", () => {
    try {
      renderAnnexStack({ ...baseAnnex, annexName: "", instanceTypes: [], deadline: "x" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateParamsError);
      expect((error as TemplateParamsError).problems.length).toBeGreaterThanOrEqual(3);
    }
  });

  it("accepts every variant of the matrix", () => {
    for (const v of annexVariants()) expect(annexStackProblems(v.params), v.name).toEqual([]);
  });
});

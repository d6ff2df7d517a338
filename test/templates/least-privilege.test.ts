// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are CloudFormation Fn::Sub strings
/**
 * Least privilege, asserted on the rendered templates: wildcards only where AWS requires them
 * (each justified), the instance role reads only its own token prefix, the bucket is private,
 * encrypted and TLS-only, instances require IMDSv2 with hop limit 1, and no ingress by default.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type CfnTemplate,
  type Json,
  renderAnnexStack,
  renderSetupStack,
  WILDCARD_JUSTIFICATIONS,
} from "../../templates/index.js";
import { annexVariants, baseAnnex, setupVariants } from "./variants.js";

type Obj = { readonly [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asArray = (v: Json | undefined): readonly Json[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v as Json];

function props(t: CfnTemplate, id: string): Obj {
  const p = t.Resources[id]?.Properties;
  if (p === undefined) throw new Error(`resource ${id} missing`);
  return p;
}

/** Every identity policy statement of a template, with the logical id of its role or policy. */
function policyStatements(t: CfnTemplate): { policy: string; statement: Obj }[] {
  const out: { policy: string; statement: Obj }[] = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    const docs: Json[] = [];
    if (r.Type === "AWS::IAM::Role") {
      for (const p of asArray(r.Properties?.Policies)) if (isObj(p)) docs.push(p.PolicyDocument ?? null);
    }
    if (r.Type === "AWS::IAM::ManagedPolicy" || r.Type === "AWS::IAM::Policy")
      docs.push(r.Properties?.PolicyDocument ?? null);
    for (const d of docs) {
      if (!isObj(d)) continue;
      for (const s of asArray(d.Statement)) if (isObj(s)) out.push({ policy: id, statement: s });
    }
  }
  return out;
}

/** A Resource entry as text: plain strings, Fn::Sub strings; other intrinsics name no wildcard. */
function resourceText(r: Json): string {
  if (typeof r === "string") return r;
  if (isObj(r) && typeof r["Fn::Sub"] === "string") return r["Fn::Sub"];
  return JSON.stringify(r);
}

const everyTemplate = (): { name: string; t: CfnTemplate }[] => [
  ...annexVariants().map((v) => ({ name: v.name, t: renderAnnexStack(v.params) })),
  ...setupVariants().map((v) => ({ name: v.name, t: renderSetupStack(v.params) })),
];

describe("wildcards", () => {
  it("appear in Resource only in the listed statements, each with a reason", () => {
    const justified = new Map(WILDCARD_JUSTIFICATIONS.map((j) => [`${j.policy}/${j.sid}`, j]));
    const used = new Set<string>();
    for (const { name, t } of everyTemplate()) {
      for (const { policy, statement } of policyStatements(t)) {
        expect(statement.Effect, `${name} ${policy}`).toBe("Allow");
        for (const r of asArray(statement.Resource)) {
          if (!resourceText(r).includes("*")) continue;
          const key = `${policy}/${String(statement.Sid)}`;
          expect(justified.has(key), `${name}: unjustified wildcard ${resourceText(r)} in ${key}`).toBe(true);
          used.add(key);
        }
      }
    }
    for (const j of WILDCARD_JUSTIFICATIONS) expect(j.reason.length).toBeGreaterThan(20);
    // Every justification is still needed (no stale entries hiding a removed wildcard).
    expect([...justified.keys()].filter((k) => !used.has(k))).toEqual([]);
  });

  it("are each documented in docs/templates.md", () => {
    const doc = readFileSync(new URL("../../docs/templates.md", import.meta.url), "utf8");
    for (const j of WILDCARD_JUSTIFICATIONS) {
      expect(doc, `${j.policy}/${j.sid}`).toMatch(new RegExp(`\\|\\s*${j.policy}\\s*\\|\\s*${j.sid}\\s*\\|`));
    }
  });

  it("never appear in Action, and no statement uses NotAction or NotResource", () => {
    for (const { name, t } of everyTemplate()) {
      for (const { policy, statement } of policyStatements(t)) {
        for (const a of asArray(statement.Action)) expect(String(a), `${name} ${policy}`).not.toContain("*");
        expect(statement.NotAction).toBeUndefined();
        expect(statement.NotResource).toBeUndefined();
      }
    }
  });

  it("full-resource `*` grants are read or create-only actions (nothing that deletes or changes existing things)", () => {
    const setup = renderSetupStack(setupVariants()[1]?.params ?? {});
    for (const { statement } of policyStatements(setup)) {
      const star = asArray(statement.Resource).some((r) => r === "*");
      if (!star || statement.Condition !== undefined) continue;
      for (const a of asArray(statement.Action)) {
        expect(String(a)).toMatch(/:(Describe|List|Get|Create|RunInstances)/);
      }
    }
  });
});

describe("the instance role", () => {
  const t = renderAnnexStack(baseAnnex);
  const role = props(t, "InstanceRole");
  const statements = policyStatements(t)
    .filter((s) => s.policy === "InstanceRole")
    .map((s) => s.statement);

  it("may read only objects under tokens/<annex>/ of the token bucket", () => {
    const reads = statements.filter((s) => asArray(s.Action).some((a) => String(a).startsWith("s3:")));
    expect(reads).toHaveLength(1);
    expect(reads[0]?.Action).toEqual(["s3:GetObject"]);
    expect(asArray(reads[0]?.Resource).map(resourceText)).toEqual([
      "arn:${AWS::Partition}:s3:::htcondorannexsetup-tokenbucket-abc123/tokens/chem-burst/*",
    ]);
  });

  it("may otherwise only leave its own group, pinned by name and annex tag", () => {
    const others = statements.filter((s) => !asArray(s.Action).some((a) => String(a).startsWith("s3:")));
    expect(others).toHaveLength(1);
    expect(others[0]?.Action).toEqual(["autoscaling:TerminateInstanceInAutoScalingGroup"]);
    expect(resourceText(asArray(others[0]?.Resource)[0] ?? null)).toMatch(
      /autoScalingGroupName\/HTCondorAnnex-chem-burst$/,
    );
    expect(others[0]?.Condition).toEqual({
      StringEquals: { "autoscaling:ResourceTag/htcondor:annex-name": "chem-burst" },
    });
  });

  it("is trusted by EC2 only, lives under the annex IAM path and carries the permissions boundary", () => {
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(role.Path).toBe("/htcondor-annex/");
    expect(role.PermissionsBoundary).toEqual({
      "Fn::Sub":
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/htcondor-annex/htcondor-annex-instance-boundary-${AWS::Region}",
    });
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it("cannot be widened past the boundary: the service role creates roles only with that boundary", () => {
    const setup = renderSetupStack({});
    const roleMgmt = policyStatements(setup).find(
      (s) => s.statement.Sid === "ManageAnnexInstanceRoles",
    )?.statement;
    expect(asArray(roleMgmt?.Action)).toContain("iam:CreateRole");
    expect(roleMgmt?.Condition).toEqual({
      StringEquals: {
        "iam:PermissionsBoundary":
          props(renderAnnexStack(baseAnnex), "InstanceRole").PermissionsBoundary ?? null,
      },
    });
    const boundary = props(setup, "InstanceBoundaryPolicy");
    expect(boundary.ManagedPolicyName).toEqual({
      "Fn::Sub": "htcondor-annex-instance-boundary-${AWS::Region}",
    });
    expect(boundary.Path).toBe("/htcondor-annex/");
  });
});

describe("the token bucket", () => {
  const t = renderSetupStack({});
  const bucket = props(t, "TokenBucket");

  it("blocks every kind of public access", () => {
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] });
  });

  it("encrypts by default", () => {
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true },
      ],
    });
  });

  it("denies every request that does not use TLS, on the bucket and its objects", () => {
    const policy = props(t, "TokenBucketPolicy");
    expect(policy.Bucket).toEqual({ Ref: "TokenBucket" });
    const doc = policy.PolicyDocument;
    expect(isObj(doc) && asArray(doc.Statement)).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [{ "Fn::GetAtt": ["TokenBucket", "Arn"] }, { "Fn::Sub": "${TokenBucket.Arn}/*" }],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("expires forgotten tokens and aborts stale uploads", () => {
    const rules = isObj(bucket.LifecycleConfiguration) ? asArray(bucket.LifecycleConfiguration.Rules) : [];
    expect(rules).toContainEqual({
      Id: "expire-forgotten-tokens",
      Status: "Enabled",
      Prefix: "tokens/",
      ExpirationInDays: 30,
    });
    expect(rules).toContainEqual({
      Id: "abort-incomplete-uploads",
      Status: "Enabled",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
  });

  it("lets the lease Lambda delete only token objects, never the Lambda code beside them", () => {
    const setup = renderSetupStack({ leaseCode: { s3Key: "lambda/lease-x.zip" } });
    const s3 = policyStatements(setup).filter(
      (s) =>
        s.policy === "LeaseFunctionRole" &&
        asArray(s.statement.Action).some((a) => String(a).startsWith("s3:")),
    );
    expect(s3.map((s) => s.statement.Action)).toEqual([["s3:ListBucket"], ["s3:DeleteObject"]]);
    expect(asArray(s3[1]?.statement.Resource).map(resourceText)).toEqual([
      "arn:${AWS::Partition}:s3:::${TokenBucket}/tokens/*",
    ]);
    expect(s3[0]?.statement.Condition).toEqual({ StringLike: { "s3:prefix": ["tokens/*"] } });
  });
});

describe("instances", () => {
  it("require IMDSv2 with hop limit 1 in every variant", () => {
    for (const v of annexVariants()) {
      const lt = props(renderAnnexStack(v.params), "LaunchTemplate").LaunchTemplateData;
      expect(isObj(lt) && lt.MetadataOptions, v.name).toEqual({
        HttpEndpoint: "enabled",
        HttpTokens: "required",
        HttpPutResponseHopLimit: 1,
        HttpProtocolIpv6: "disabled",
        InstanceMetadataTags: "disabled",
      });
    }
  });

  it("get a security group with no ingress unless the request asks, and then exactly what it asks", () => {
    for (const v of annexVariants()) {
      const sg = props(renderAnnexStack(v.params), "SecurityGroup");
      const wanted = v.params.ingress ?? [];
      if (wanted.length === 0) expect(sg.SecurityGroupIngress, v.name).toBeUndefined();
      else
        expect(asArray(sg.SecurityGroupIngress).map((r) => isObj(r) && r.CidrIp)).toEqual(
          wanted.map((r) => r.cidr),
        );
    }
    // No separate ingress resources either.
    for (const v of annexVariants()) {
      const types = Object.values(renderAnnexStack(v.params).Resources).map((r) => r.Type);
      expect(types).not.toContain("AWS::EC2::SecurityGroupIngress");
    }
  });
});

describe("roles of the setup stack", () => {
  const t = renderSetupStack({ leaseCode: { s3Key: "lambda/lease-x.zip" } });
  it("are trusted by one service each", () => {
    const trust = (id: string) => {
      const doc = props(t, id).AssumeRolePolicyDocument;
      return isObj(doc) ? asArray(doc.Statement).map((s) => isObj(s) && s.Principal) : [];
    };
    expect(trust("ServiceRole")).toEqual([{ Service: "cloudformation.amazonaws.com" }]);
    expect(trust("LeaseFunctionRole")).toEqual([{ Service: "lambda.amazonaws.com" }]);
  });

  it("let the Lambda delete only annex stacks, and pass only the service role, only to CloudFormation", () => {
    const lambda = policyStatements(t)
      .filter((s) => s.policy === "LeaseFunctionRole")
      .map((s) => s.statement);
    const del = lambda.find((s) => asArray(s.Action).includes("cloudformation:DeleteStack"));
    expect(asArray(del?.Resource).map(resourceText)).toEqual([
      "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/HTCondorAnnex-*/*",
    ]);
    const pass = lambda.find((s) => asArray(s.Action).includes("iam:PassRole"));
    expect(pass?.Resource).toEqual([{ "Fn::GetAtt": ["ServiceRole", "Arn"] }]);
    expect(pass?.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" },
    });
  });
});

describe("accepted checkov findings", () => {
  it("sit next to their resource, each with its reason", () => {
    const skips: { id: string; comment: string }[] = [];
    for (const t of [renderAnnexStack(baseAnnex), renderSetupStack({ leaseCode: { s3Key: "k" } })]) {
      for (const r of Object.values(t.Resources)) {
        const skip = isObj(r.Metadata?.checkov) ? asArray(r.Metadata.checkov.skip) : [];
        for (const s of skip) if (isObj(s)) skips.push({ id: String(s.id), comment: String(s.comment) });
      }
    }
    expect(skips.map((s) => s.id).sort()).toEqual([
      "CKV_AWS_111",
      "CKV_AWS_115",
      "CKV_AWS_116",
      "CKV_AWS_117",
      "CKV_AWS_158",
      "CKV_AWS_173",
      "CKV_AWS_18",
      "CKV_AWS_21",
      "CKV_AWS_26",
    ]);
    for (const s of skips) expect(s.comment.length, s.id).toBeGreaterThan(40);
  });

  it("leave no security group rule without a description", () => {
    for (const v of annexVariants()) {
      for (const r of asArray(props(renderAnnexStack(v.params), "SecurityGroup").SecurityGroupIngress)) {
        expect(isObj(r) && typeof r.Description === "string" && r.Description.length > 0, v.name).toBe(true);
      }
    }
  });
});

/**
 * Parameter variants of both stacks for the template tests: the full matrix of the choices that
 * change a template's shape (instance types, purchase mix, image source, subnets, ingress, tags),
 * plus edge values (high-resolution and day-long leases, the 40-type limit, owners, extra config).
 */
import type { AnnexStackParams, SetupStackParams } from "../../templates/index.js";

/** A valid annex request's parameters; variants override fields. */
export const baseAnnex: AnnexStackParams = {
  annexName: "chem-burst",
  instanceTypes: ["c6i.2xlarge"],
  subnets: [],
  image: { kind: "ami", imageId: "ami-0123456789abcdef0" },
  spot: true,
  desiredCapacity: 2,
  maxCapacity: 20,
  leaseMinutes: 20,
  deadline: "2026-11-26T16:00:00Z",
  collectorHost: "cm.example.org:9618",
  owner: "alice",
  tokenBucket: "htcondorannexsetup-tokenbucket-abc123",
  leaseFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:htcondor-annex-lease",
  idleMinutes: 15,
};

const MANY_TYPES = ["c6i.2xlarge", "c5.2xlarge", "c6a.2xlarge", "m6i.2xlarge", "m5.2xlarge", "r6i.xlarge"];

const purchases = {
  spot: { spot: true },
  onDemand: { spot: false },
  mixed: { spot: true, onDemandBase: 2, onDemandPercentageAboveBase: 25 },
} as const;

const images = {
  ami: { kind: "ami", imageId: "ami-0123456789abcdef0" },
  ssm: { kind: "ssm", parameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" },
} as const;

/** Every combination of the shape-changing choices, named so a lint finding points at its variant. */
export function annexVariants(): { name: string; params: AnnexStackParams }[] {
  const out: { name: string; params: AnnexStackParams }[] = [];
  for (const types of ["one", "many"] as const) {
    for (const [purchaseName, purchase] of Object.entries(purchases)) {
      for (const [imageName, image] of Object.entries(images)) {
        for (const subnets of ["default-vpc", "subnets"] as const) {
          for (const ingress of ["no-ingress", "ingress"] as const) {
            for (const tags of ["no-tags", "tags"] as const) {
              const params: AnnexStackParams = {
                ...baseAnnex,
                ...purchase,
                instanceTypes: types === "one" ? ["c6i.2xlarge"] : MANY_TYPES,
                image,
                ...(subnets === "subnets"
                  ? {
                      subnets: [
                        "subnet-0123456789abcdef0",
                        "subnet-0fedcba9876543210",
                        "subnet-00112233445566778",
                      ],
                      vpcId: "vpc-0123456789abcdef0",
                    }
                  : {}),
                ...(ingress === "ingress"
                  ? {
                      ingress: [
                        {
                          cidr: "203.0.113.0/24",
                          protocol: "tcp",
                          fromPort: 9618,
                          toPort: 9618,
                          description: "HTCondor",
                        },
                        { cidr: "198.51.100.7/32", protocol: "tcp", fromPort: 22, toPort: 22 },
                      ],
                    }
                  : {}),
                ...(tags === "tags"
                  ? {
                      tags: { project: "TheNeeds-MooreLab", "cost-center": "chem 42" },
                      request: "chem-burst@v1",
                    }
                  : {}),
              };
              const name = [types, purchaseName, imageName, subnets, ingress, tags].join("_");
              out.push({ name, params });
            }
          }
        }
      }
    }
  }
  out.push(
    {
      name: "edge_high-resolution-lease",
      params: { ...baseAnnex, leaseMinutes: 0.5, leasePeriodSeconds: 10 },
    },
    { name: "edge_30s-periods", params: { ...baseAnnex, leaseMinutes: 3, leasePeriodSeconds: 30 } },
    { name: "edge_day-long-lease", params: { ...baseAnnex, leaseMinutes: 1440 } },
    {
      name: "edge_forty-types",
      params: { ...baseAnnex, instanceTypes: Array.from({ length: 40 }, (_, i) => `c${i + 1}.large`) },
    },
    {
      name: "edge_owners-and-extra-config",
      params: {
        ...baseAnnex,
        allowedJobOwners: ["alice", "bob"],
        extraCondorConfig: "NUM_SLOTS = 1\nSLOT_TYPE_1_PARTITIONABLE = True",
        pool: "pool-a",
        tokenKey: "tokens/chem-burst/token-2026",
      },
    },
    { name: "edge_zero-desired", params: { ...baseAnnex, desiredCapacity: 0, maxCapacity: 1 } },
  );
  return out;
}

/** Setup stack variants: first pass (no code), code in its own bucket, code elsewhere with options. */
export function setupVariants(): { name: string; params: SetupStackParams }[] {
  return [
    { name: "setup_first-pass", params: {} },
    { name: "setup_code-in-token-bucket", params: { leaseCode: { s3Key: "lambda/lease-0123abcd.zip" } } },
    {
      name: "setup_all-options",
      params: {
        leaseCode: { s3Bucket: "annex-artifacts-123", s3Key: "lambda/lease-0123abcd.zip" },
        bucketName: "htcondor-annex-tokens-123456789012",
        sweepSchedule: "rate(1 minute)",
        logRetentionDays: 14,
        tokenExpirationDays: 7,
        orphanTokenGraceSeconds: 600,
      },
    },
  ];
}

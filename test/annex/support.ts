import type { AnnexDefaults } from "../../src/annex/index.js";

/** Defaults shared by the annex unit tests. */
export const TEST_DEFAULTS: AnnexDefaults = {
  region: "us-east-1",
  instanceTypes: ["m6i.large"],
  maxInstances: 10,
  spot: false,
  onDemandBase: 0,
  leaseMinutes: 20,
  maxHours: 8,
  idleMinutes: 15,
  image: { kind: "ami", id: "ami-0123456789abcdef0" },
  subnets: [],
  owner: undefined,
  collectorHost: "cm.example.org:9618",
};

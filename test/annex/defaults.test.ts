import { describe, expect, it } from "vitest";
import { environmentKnobs, loadAnnexDefaults, poolIdFromKnobs } from "../../src/annex/index.js";

describe("request defaults from configuration knobs", () => {
  it("uses the built-in defaults when nothing is configured", async () => {
    const defaults = await loadAnnexDefaults(environmentKnobs({}));
    expect(defaults).toEqual({
      region: "us-east-1",
      instanceTypes: ["m6i.large"],
      maxInstances: 10,
      spot: false,
      onDemandBase: 0,
      leaseMinutes: 20,
      maxHours: 8,
      idleMinutes: 15,
      image: {
        kind: "ssm",
        parameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      },
      subnets: [],
      owner: undefined,
      collectorHost: undefined,
    });
  });

  it("reads _CONDOR_ANNEX_* variables the HTCondor way (case-insensitive, HTCondor's units)", async () => {
    const defaults = await loadAnnexDefaults(
      environmentKnobs({
        _CONDOR_ANNEX_DEFAULT_AWS_REGION: "eu-west-1",
        _condor_annex_default_instance_types: "c6i.large, c5.large",
        _CONDOR_ANNEX_DEFAULT_MAX_INSTANCES: "50",
        _CONDOR_ANNEX_DEFAULT_SPOT: "TRUE",
        _CONDOR_ANNEX_DEFAULT_ON_DEMAND_BASE: "1",
        _CONDOR_ANNEX_DEFAULT_LEASE_DURATION: "3000",
        _CONDOR_ANNEX_DEFAULT_MAX_HOURS: "2.5",
        _CONDOR_ANNEX_DEFAULT_UNCLAIMED_TIMEOUT: "900",
        _CONDOR_ANNEX_DEFAULT_IMAGE_ID: "ami-0123456789abcdef0",
        _CONDOR_ANNEX_DEFAULT_SUBNETS: "subnet-89abcdef subnet-aaaaaaaa",
        _CONDOR_ANNEX_DEFAULT_OWNER: "alice",
        _CONDOR_COLLECTOR_HOST: "cm.example.org",
      }),
    );
    expect(defaults).toEqual({
      region: "eu-west-1",
      instanceTypes: ["c6i.large", "c5.large"],
      maxInstances: 50,
      spot: true,
      onDemandBase: 1,
      leaseMinutes: 50,
      maxHours: 2.5,
      idleMinutes: 15,
      image: { kind: "ami", id: "ami-0123456789abcdef0" },
      subnets: ["subnet-89abcdef", "subnet-aaaaaaaa"],
      owner: "alice",
      collectorHost: "cm.example.org",
    });
  });

  it("prefers ANNEX_COLLECTOR to COLLECTOR_HOST, and the new knobs to the classic ODI ones", async () => {
    const knobs = {
      ANNEX_COLLECTOR: "annex-cm.example.org",
      COLLECTOR_HOST: "cm.example.org",
      ANNEX_DEFAULT_ODI_INSTANCE_TYPE: "m4.large",
      ANNEX_DEFAULT_ODI_IMAGE_ID: "ami-89abcdef",
    };
    const defaults = await loadAnnexDefaults({ get: async (name) => knobs[name as keyof typeof knobs] });
    expect(defaults.collectorHost).toBe("annex-cm.example.org");
    expect(defaults.instanceTypes).toEqual(["m4.large"]);
    expect(defaults.image).toEqual({ kind: "ami", id: "ami-89abcdef" });
  });

  it("rounds the lease up to whole minutes, never shortening it", async () => {
    const defaults = await loadAnnexDefaults(
      environmentKnobs({ _CONDOR_ANNEX_DEFAULT_LEASE_DURATION: "601" }),
    );
    expect(defaults.leaseMinutes).toBe(11);
  });

  it.each([
    [
      "ANNEX_DEFAULT_MAX_INSTANCES",
      "lots",
      /ANNEX_DEFAULT_MAX_INSTANCES = "lots" is invalid: expected an integer from 1 to 10000/,
    ],
    ["ANNEX_DEFAULT_SPOT", "maybe", /ANNEX_DEFAULT_SPOT = "maybe" is invalid: expected true or false/],
    [
      "ANNEX_DEFAULT_LEASE_DURATION",
      "60",
      /ANNEX_DEFAULT_LEASE_DURATION = "60" is invalid: expected an integer from 120 to 86400/,
    ],
    [
      "ANNEX_DEFAULT_MAX_HOURS",
      "-1",
      /ANNEX_DEFAULT_MAX_HOURS = "-1" is invalid: expected a number of hours/,
    ],
    [
      "ANNEX_DEFAULT_IMAGE_ID",
      "linux",
      /ANNEX_DEFAULT_IMAGE_ID = "linux" is invalid: expected an AMI id or an SSM parameter path/,
    ],
  ])("rejects a malformed %s naming the knob and the expected form", async (knob, value, message) => {
    await expect(loadAnnexDefaults(environmentKnobs({ [`_CONDOR_${knob}`]: value }))).rejects.toThrow(
      message,
    );
  });

  it("takes the pool id from ANNEX_POOL, else the collector, else none", async () => {
    const env = { _CONDOR_ANNEX_POOL: "pool-a", _CONDOR_COLLECTOR_HOST: "cm.example.org" };
    expect(await poolIdFromKnobs(environmentKnobs(env))).toBe("pool-a");
    expect(await poolIdFromKnobs(environmentKnobs({ _CONDOR_COLLECTOR_HOST: "cm.example.org" }))).toBe(
      "cm.example.org",
    );
    expect(await poolIdFromKnobs(environmentKnobs({}))).toBeUndefined();
  });
});

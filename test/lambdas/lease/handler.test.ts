/** The handler: dispatch, logging of decisions, retries through throwing, and its configuration. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromEnvironment, createLeaseHandler } from "../../../lambdas/lease/handler.js";
import { config, FakeAccount } from "./fake-account.js";

const NOW = new Date("2026-11-26T12:00:00Z");
const alarmEvent = (...names: string[]) => ({
  Records: names.map((n) => ({ Sns: { Message: JSON.stringify({ AlarmName: n, NewStateValue: "ALARM" }) } })),
});

afterEach(() => vi.restoreAllMocks());

describe("the lease handler", () => {
  it("handles each alarm of an SNS delivery and logs each decision as one JSON line", async () => {
    const aws = new FakeAccount();
    aws.addAnnex("a", { state: "ALARM" });
    aws.addAnnex("b", { state: "OK" });
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(line));
    const handler = createLeaseHandler(
      () => aws,
      () => config,
      () => NOW,
    );
    const result = await handler(alarmEvent("HTCondorAnnex-a-lease", "HTCondorAnnex-b-lease"));
    expect(result).toMatchObject({
      kind: "alarms",
      outcomes: [{ action: "deleted", annex: "a" }, { action: "ignored" }],
    });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({
        component: "condor-annex-lease",
        event: "lease",
        action: "deleted",
        annex: "a",
      }),
      expect.objectContaining({ event: "lease", action: "ignored", alarm: "HTCondorAnnex-b-lease" }),
    ]);
  });

  it("throws after handling the rest when one alarm fails, so Lambda retries the delivery", async () => {
    const aws = new FakeAccount();
    aws.addAnnex("a", { state: "ALARM" });
    aws.failures.set("describeAlarm", new Error("Throttling"));
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const handler = createLeaseHandler(
      () => aws,
      () => config,
      () => NOW,
    );
    await expect(handler(alarmEvent("HTCondorAnnex-a-lease"))).rejects.toThrow(
      "lease handling failed: HTCondorAnnex-a-lease: Error: Throttling",
    );
  });

  it("sweeps on its schedule and throws when the sweep met errors", async () => {
    const aws = new FakeAccount();
    aws.addAnnex("old", { deadline: "2000-01-01T00:00:00Z" });
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const handler = createLeaseHandler(
      () => aws,
      () => config,
      () => NOW,
    );
    await expect(handler({ source: "aws.events", "detail-type": "Scheduled Event" })).resolves.toMatchObject({
      kind: "sweep",
      report: { expired: ["old"] },
    });
    aws.addAnnex("bad", { deadline: "yesterday" });
    await expect(handler({ action: "sweep" })).rejects.toThrow("sweep finished with errors");
  });

  it("refuses unknown events loudly", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const handler = createLeaseHandler(
      () => new FakeAccount(),
      () => config,
      () => NOW,
    );
    await expect(handler({ hello: "world" })).rejects.toThrow(/unrecognised event/);
  });
});

describe("configuration from the environment", () => {
  it("reads bucket, service role and grace period", () => {
    expect(
      configFromEnvironment({
        ANNEX_TOKEN_BUCKET: "b",
        ANNEX_SERVICE_ROLE_ARN: "arn:aws:iam::123456789012:role/x",
        ANNEX_ORPHAN_TOKEN_GRACE_SECONDS: "60",
      }),
    ).toEqual({
      tokenBucket: "b",
      serviceRoleArn: "arn:aws:iam::123456789012:role/x",
      orphanTokenGraceSeconds: 60,
    });
  });

  it("names every missing or malformed variable", () => {
    expect(() => configFromEnvironment({ ANNEX_ORPHAN_TOKEN_GRACE_SECONDS: "soon" })).toThrow(
      'lease Lambda misconfigured: ANNEX_TOKEN_BUCKET is not set (the token bucket\'s name); ANNEX_SERVICE_ROLE_ARN is not an IAM role ARN: ""; ANNEX_ORPHAN_TOKEN_GRACE_SECONDS is not a whole number of seconds: "soon"',
    );
  });
});

/**
 * The sweeper: deadlines, DELETE_FAILED retries, stuck alarms and orphan tokens, each handled
 * on its own so one failure does not stop the rest.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { sweep } from "../../../lambdas/lease/sweeper.js";
import { config, FakeAccount, SERVICE_ROLE } from "./fake-account.js";

const NOW = new Date("2026-11-26T12:00:00Z");
let aws: FakeAccount;
beforeEach(() => {
  aws = new FakeAccount();
});

describe("the sweeper", () => {
  it("deletes annexes past their hard deadline, with their tokens, and keeps the others", async () => {
    aws.addAnnex("expired", { deadline: "2026-11-26T11:59:59Z" });
    aws.addAnnex("running", { deadline: "2026-11-26T12:30:00Z" });
    aws.addAnnex("no-deadline");
    const report = await sweep(aws, config, NOW);
    expect(report.expired).toEqual(["expired"]);
    expect(aws.calls).toContain(`DeleteStack HTCondorAnnex-expired ${SERVICE_ROLE}`);
    expect(aws.calls.filter((c) => c.startsWith("DeleteStack"))).toHaveLength(1);
    expect(aws.objects.has("tokens/expired/pool.token")).toBe(false);
    expect(aws.objects.has("tokens/running/pool.token")).toBe(true);
    expect(report.errors).toEqual([]);
  });

  it("retries stacks in DELETE_FAILED and removes failed creates", async () => {
    aws.addAnnex("stuck", { status: "DELETE_FAILED" });
    aws.addAnnex("failed-create", { status: "ROLLBACK_COMPLETE" });
    const report = await sweep(aws, config, NOW);
    expect(report.retried.sort()).toEqual(["HTCondorAnnex-failed-create", "HTCondorAnnex-stuck"]);
    expect(aws.calls).toContain(`DeleteStack HTCondorAnnex-stuck ${SERVICE_ROLE}`);
  });

  it("leaves stacks that are not annex stacks alone, even with our prefix but without our tag", async () => {
    aws.stacks.set("HTCondorAnnex-impostor", {
      name: "HTCondorAnnex-impostor",
      status: "DELETE_FAILED",
      tags: { "htcondor:deadline": "2000-01-01T00:00:00Z" },
    });
    aws.stacks.set("HTCondorAnnexSetup", { name: "HTCondorAnnexSetup", status: "CREATE_COMPLETE", tags: {} });
    aws.stacks.set("prod-db", {
      name: "prod-db",
      status: "DELETE_FAILED",
      tags: { "htcondor:annex-name": "prod-db" },
    });
    const report = await sweep(aws, config, NOW);
    expect(aws.calls).toEqual([]);
    expect(report).toMatchObject({ expired: [], retried: [], errors: [] });
  });

  it("re-checks lease alarms left in ALARM (a lost SNS delivery) and deletes lapsed leases", async () => {
    aws.addAnnex("lost-delivery", { state: "ALARM" });
    aws.addAnnex("false-alarm", {
      state: "ALARM",
      heartbeat: { at: new Date(NOW.getTime() - 60_000), value: 4 },
    });
    const report = await sweep(aws, config, NOW);
    expect(report.alarms.map((a) => a.action).sort()).toEqual(["deleted", "reset"]);
    expect(aws.stacks.get("HTCondorAnnex-lost-delivery")?.status).toBe("DELETE_IN_PROGRESS");
    expect(aws.alarms.get("HTCondorAnnex-false-alarm-lease")?.state).toBe("OK");
  });

  it("deletes tokens of annexes that are gone once they are older than the grace period", async () => {
    aws.addAnnex("live");
    aws.objects.set("tokens/gone/pool.token", new Date(NOW.getTime() - 901_000));
    aws.objects.set("tokens/being-created/pool.token", new Date(NOW.getTime() - 60_000));
    aws.objects.set("tokens/stray-file", new Date(0));
    aws.objects.set("lambda/lease-abc.zip", new Date(0));
    const report = await sweep(aws, config, NOW);
    expect(report.orphanTokensDeleted.sort()).toEqual(["tokens/gone/pool.token", "tokens/stray-file"]);
    expect([...aws.objects.keys()].sort()).toEqual([
      "lambda/lease-abc.zip",
      "tokens/being-created/pool.token",
      "tokens/live/pool.token",
    ]);
  });

  it("treats tokens of annexes being deleted as orphans", async () => {
    aws.addAnnex("leaving", { status: "DELETE_IN_PROGRESS" });
    const report = await sweep(aws, config, NOW);
    expect(report.orphanTokensDeleted).toEqual(["tokens/leaving/pool.token"]);
    expect(aws.calls.some((c) => c.startsWith("DeleteStack"))).toBe(false);
  });

  it("carries on past a failing item and reports it by name", async () => {
    aws.addAnnex("a", { deadline: "2000-01-01T00:00:00Z" });
    aws.addAnnex("b", { deadline: "not a time" });
    aws.failures.set("listAlarmsInAlarm", new Error("Throttling: Rate exceeded"));
    aws.objects.set("tokens/gone/pool.token", new Date(0));
    const report = await sweep(aws, config, NOW);
    expect(report.expired).toEqual(["a"]);
    expect(report.errors).toEqual([
      'HTCondorAnnex-b: tag htcondor:deadline="not a time" is not a time',
      "listing alarms: Error: Throttling: Rate exceeded",
    ]);
    expect(report.orphanTokensDeleted).toContain("tokens/gone/pool.token");
  });

  it("touches no token when it cannot list the stacks (it could not tell live annexes from dead)", async () => {
    aws.addAnnex("live");
    aws.failures.set("listStacks", new Error("AccessDenied"));
    const report = await sweep(aws, config, NOW);
    expect(report.errors).toEqual(["listing stacks: Error: AccessDenied"]);
    expect(aws.calls).toEqual([]);
  });

  it("is idempotent: a second sweep finds nothing left to do", async () => {
    aws.addAnnex("expired", { deadline: "2000-01-01T00:00:00Z" });
    await sweep(aws, config, NOW);
    aws.calls = [];
    const again = await sweep(aws, config, NOW);
    expect(aws.calls).toEqual([]);
    expect(again).toEqual({ expired: [], retried: [], alarms: [], orphanTokensDeleted: [], errors: [] });
  });
});

/**
 * The lease decision on an alarm: delete only a lapsed lease (alarm in ALARM, no heartbeat ≥ 1
 * in the window), only our own stacks, always with the service role; reset false alarms.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { handleLeaseAlarm } from "../../../lambdas/lease/lease.js";
import { config, FakeAccount, SERVICE_ROLE } from "./fake-account.js";

const NOW = new Date("2026-11-26T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
let aws: FakeAccount;
beforeEach(() => {
  aws = new FakeAccount();
});

describe("an alarm in ALARM", () => {
  it("with no heartbeat in the window deletes the stack with the service role, then the annex's tokens", async () => {
    aws.addAnnex("chem", { state: "ALARM", heartbeat: { at: minutesAgo(45), value: 3 } });
    aws.objects.set("tokens/chem/extra", new Date(0));
    aws.addAnnex("other");
    const outcome = await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    expect(outcome).toEqual({
      alarm: "HTCondorAnnex-chem-lease",
      action: "deleted",
      annex: "chem",
      tokensDeleted: 2,
    });
    expect(aws.calls).toEqual([
      `DeleteStack HTCondorAnnex-chem ${SERVICE_ROLE}`,
      "DeleteObjects tokens/chem/pool.token,tokens/chem/extra",
    ]);
    expect([...aws.objects.keys()]).toEqual(["tokens/other/pool.token"]);
    expect(aws.stacks.get("HTCondorAnnex-other")?.status).toBe("CREATE_COMPLETE");
  });

  it("with heartbeats of 0 only (the jobs are done) deletes too", async () => {
    aws.addAnnex("chem", { state: "ALARM", heartbeat: { at: minutesAgo(2), value: 0 } });
    const outcome = await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    expect(outcome.action).toBe("deleted");
  });

  it("with a heartbeat ≥ 1 inside the window is a false alarm: reset to OK, nothing deleted", async () => {
    aws.addAnnex("chem", { state: "ALARM", heartbeat: { at: minutesAgo(19), value: 1 } });
    const outcome = await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    expect(outcome).toEqual({
      alarm: "HTCondorAnnex-chem-lease",
      action: "reset",
      annex: "chem",
      heartbeat: 1,
    });
    expect(aws.calls).toEqual(["SetAlarmState HTCondorAnnex-chem-lease OK"]);
    expect(aws.alarms.get("HTCondorAnnex-chem-lease")?.state).toBe("OK");
    expect(aws.objects.has("tokens/chem/pool.token")).toBe(true);
  });

  it("errs towards keeping the annex at the window's edge (one period of slack)", async () => {
    aws.addAnnex("chem", { state: "ALARM", heartbeat: { at: minutesAgo(20.5), value: 2 } });
    expect((await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW)).action).toBe("reset");
    aws.addAnnex("late", { state: "ALARM", heartbeat: { at: minutesAgo(21.5), value: 2 } });
    expect((await handleLeaseAlarm(aws, config, "HTCondorAnnex-late-lease", NOW)).action).toBe("deleted");
  });

  it("is handled idempotently: a redelivery after the deletion changes nothing", async () => {
    aws.addAnnex("chem", { state: "ALARM" });
    await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    aws.calls = [];
    const again = await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    expect(again).toEqual({
      alarm: "HTCondorAnnex-chem-lease",
      action: "ignored",
      reason: "the alarm no longer exists (its annex is gone)",
    });
    expect(aws.calls).toEqual([]);
  });

  it("does not delete again a stack already being deleted, but still clears its tokens", async () => {
    aws.addAnnex("chem", { state: "ALARM", status: "DELETE_IN_PROGRESS" });
    const outcome = await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    expect(outcome.action).toBe("deleted");
    expect(aws.calls).toEqual(["DeleteObjects tokens/chem/pool.token"]);
  });

  it("never deletes a stack that lacks our annex tag", async () => {
    aws.addAnnex("chem", { state: "ALARM" });
    aws.stacks.set("HTCondorAnnex-chem", { name: "HTCondorAnnex-chem", status: "CREATE_COMPLETE", tags: {} });
    const outcome = await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    expect(outcome).toMatchObject({ action: "ignored", reason: expect.stringContaining("not ours") });
    expect(aws.calls).toEqual([]);
  });

  it("still removes the tokens when the stack is already gone", async () => {
    aws.addAnnex("chem", { state: "ALARM" });
    aws.stacks.clear();
    const outcome = await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW);
    expect(outcome).toMatchObject({ action: "deleted", tokensDeleted: 1 });
    expect(aws.calls).toEqual(["DeleteObjects tokens/chem/pool.token"]);
  });
});

describe("alarms that must not delete anything", () => {
  it("an alarm back in OK (the notification is stale)", async () => {
    aws.addAnnex("chem", { state: "OK" });
    expect(await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW)).toMatchObject({
      action: "ignored",
      reason: "the alarm is OK, not ALARM",
    });
    expect(aws.calls).toEqual([]);
  });

  it("an alarm whose name is not an annex lease alarm", async () => {
    expect(await handleLeaseAlarm(aws, config, "billing-alarm", NOW)).toMatchObject({ action: "ignored" });
    expect(aws.calls).toEqual([]);
  });

  it("a look-alike alarm watching another metric", async () => {
    aws.addAnnex("chem", { state: "ALARM" });
    const alarm = aws.alarms.get("HTCondorAnnex-chem-lease");
    if (alarm === undefined) throw new Error("fixture");
    aws.alarms.set(alarm.name, { ...alarm, namespace: "AWS/EC2" });
    expect(await handleLeaseAlarm(aws, config, alarm.name, NOW)).toMatchObject({
      action: "ignored",
      reason: "the alarm does not watch this annex's heartbeat",
    });
    aws.alarms.set(alarm.name, { ...alarm, dimensions: [{ name: "AnnexName", value: "someone-else" }] });
    expect((await handleLeaseAlarm(aws, config, alarm.name, NOW)).action).toBe("ignored");
    expect(aws.calls).toEqual([]);
  });
});

describe("failures", () => {
  it("propagate (so Lambda retries the invocation) and leave the tokens when the stack delete fails", async () => {
    aws.addAnnex("chem", { state: "ALARM" });
    aws.failures.set("deleteStack", Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));
    await expect(handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW)).rejects.toThrow(
      "Rate exceeded",
    );
    expect(aws.objects.has("tokens/chem/pool.token")).toBe(true);
    aws.failures.clear();
    expect((await handleLeaseAlarm(aws, config, "HTCondorAnnex-chem-lease", NOW)).action).toBe("deleted");
  });
});

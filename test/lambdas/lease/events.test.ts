/** Parsing the lease Lambda's events from unknown JSON. */
import { describe, expect, it } from "vitest";
import { parseLeaseEvent } from "../../../lambdas/lease/events.js";

const snsRecord = (message: unknown) => ({ EventSource: "aws:sns", Sns: { Message: message } });

describe("parseLeaseEvent", () => {
  it("takes every alarm notification out of SNS records", () => {
    const event = {
      Records: [
        snsRecord(JSON.stringify({ AlarmName: "HTCondorAnnex-a-lease", NewStateValue: "ALARM" })),
        snsRecord(JSON.stringify({ AlarmName: "HTCondorAnnex-b-lease" })),
      ],
    };
    expect(parseLeaseEvent(event)).toEqual({
      kind: "alarms",
      notifications: [
        { alarmName: "HTCondorAnnex-a-lease", newState: "ALARM" },
        { alarmName: "HTCondorAnnex-b-lease", newState: undefined },
      ],
      ignored: [],
    });
  });

  it("names each record it cannot use instead of failing the others", () => {
    const event = {
      Records: [
        snsRecord("not json"),
        snsRecord(JSON.stringify(["array"])),
        snsRecord(JSON.stringify({ Subject: "hello" })),
        snsRecord(42),
        { s3: {} },
        snsRecord(JSON.stringify({ AlarmName: "HTCondorAnnex-a-lease", NewStateValue: "ALARM" })),
      ],
    };
    const parsed = parseLeaseEvent(event);
    expect(parsed).toMatchObject({ kind: "alarms", notifications: [{ alarmName: "HTCondorAnnex-a-lease" }] });
    expect(parsed.kind === "alarms" && parsed.ignored).toEqual([
      "Records[0].Sns.Message: not JSON",
      "Records[1].Sns.Message: expected a JSON object",
      "Records[2].Sns.Message: no AlarmName (not a CloudWatch alarm notification)",
      "Records[3].Sns.Message: expected a string",
      "Records[4]: not an SNS record",
    ]);
  });

  it("recognises the schedule: EventBridge scheduled events and a direct sweep call", () => {
    expect(parseLeaseEvent({ action: "sweep" })).toEqual({ kind: "sweep" });
    expect(parseLeaseEvent({ source: "aws.events", "detail-type": "Scheduled Event", detail: {} })).toEqual({
      kind: "sweep",
    });
  });

  it("rejects anything else with the forms it expected", () => {
    for (const e of [null, 3, "sweep", [], {}, { action: "delete-everything" }]) {
      expect(parseLeaseEvent(e)).toMatchObject({ kind: "invalid" });
    }
  });
});

import { describe, expect, it } from "vitest";
import { typesFailedForCapacity } from "../../../src/annex/demand/capacity-failures.js";

const since = new Date("2026-11-26T08:00:00Z");
const at = new Date("2026-11-26T08:05:00Z");

describe("typesFailedForCapacity", () => {
  it("finds the type named in an insufficient-capacity failure", () => {
    const failed = typesFailedForCapacity(
      [
        {
          statusCode: "Failed",
          startTime: at,
          message:
            "We currently do not have sufficient c6i.2xlarge capacity in the Availability Zone you requested (us-east-1a). Launching EC2 instance failed.",
        },
      ],
      ["c6i.2xlarge", "c5.2xlarge"],
      since,
    );
    expect(failed).toEqual(["c6i.2xlarge"]);
  });

  it("blames the only type of the group when the message names none", () => {
    const activity = {
      statusCode: "Failed",
      startTime: at,
      message:
        "Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available.",
    };
    expect(typesFailedForCapacity([activity], ["m6i.large"], since)).toEqual(["m6i.large"]);
    expect(typesFailedForCapacity([activity], ["m6i.large", "m5.large"], since)).toEqual([]);
  });

  it("ignores successful activities, other failures and failures older than the window", () => {
    const failed = typesFailedForCapacity(
      [
        { statusCode: "Successful", startTime: at, message: "Launching a new EC2 instance: i-0123" },
        { statusCode: "Failed", startTime: at, message: "Invalid IAM instance profile name" },
        {
          statusCode: "Failed",
          startTime: new Date("2026-11-26T07:00:00Z"),
          message:
            "We currently do not have sufficient c5.2xlarge capacity in the Availability Zone you requested",
        },
      ],
      ["c6i.2xlarge", "c5.2xlarge"],
      since,
    );
    expect(failed).toEqual([]);
  });
});

import type { LeasePeriodSeconds } from "../../../templates/index.js";
import { annexRequestFromClassAd } from "../../annex/classad-request.js";
import { REQUEST_ATTRIBUTES } from "../../annex/request.js";
import { ClassAd } from "../../classad/classad.js";
import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand, E_INVALID_REQUEST, formatRequestAdError } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { requirePool, withRuntime } from "../runtime.js";
import { ArgumentReader, issuesToError, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { resultOutcome, timeAttributes } from "./result-ads.js";

/** Options of ANNEX_CREATE that are not request attributes. */
const OPTIONS = ["Wait", "LeasePeriodSeconds"] as const;

/** The typed argument of `ANNEX_CREATE`: the request ad (validated with the defaults in run) and the options. */
export interface CreateCommandRequest {
  readonly sourced: SourcedAd;
  /** The argument without the options: the AnnexRequest. */
  readonly requestAd: ClassAd;
  readonly wait: boolean;
  readonly leasePeriodSeconds: LeasePeriodSeconds | undefined;
}

/**
 * Checks the options (`Wait`, `LeasePeriodSeconds`); the AnnexRequest itself is validated when
 * the configured defaults are known (in run), its errors still carrying line:column.
 */
export function validateCreate(sourced: SourcedAd): Checked<CreateCommandRequest> {
  const reader = new ArgumentReader("ANNEX_CREATE", sourced);
  const wait = reader.boolean("Wait");
  const period = reader.number("LeasePeriodSeconds", { integer: true, form: "10, 30 or 60" });
  if (period !== undefined && period !== 10 && period !== 30 && period !== 60) {
    reader.problem("LeasePeriodSeconds", `expected 10, 30 or 60, got ${period}`);
  }
  // The request attributes (and misspellings of them) are the request validator's to judge.
  for (const attribute of sourced.ad.attributes()) reader.accept(attribute.name);
  const requestAd = new ClassAd(
    [...sourced.ad.attributes()].filter(
      (attribute) => !OPTIONS.some((option) => option.toLowerCase() === attribute.name.toLowerCase()),
    ),
  );
  return reader.finish(() => ({
    sourced,
    requestAd,
    wait: wait ?? true,
    leasePeriodSeconds: period as LeasePeriodSeconds | undefined,
  }));
}

/** `ANNEX_CREATE`: creates the annex, or adopts (and resizes to Count) the existing one. */
export function createCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_CREATE",
    codec: context.codec,
    validate: validateCreate,
    run: (command) =>
      withRuntime(context.runtime, async (runtime) => {
        const validation = annexRequestFromClassAd(command.requestAd, runtime.defaults);
        if (!validation.ok) {
          const known = new Set(REQUEST_ATTRIBUTES.map((name) => name.toLowerCase()));
          const issues = validation.issues.map((issue) => ({
            // A missing attribute points at the ad; a present one (known or not) at its name.
            path: command.sourced.ad.has(issue.attribute) ? [issue.attribute] : [],
            message: `${issue.attribute}: ${issue.message}${
              !known.has(issue.attribute.toLowerCase()) && !issue.message.includes("did you mean")
                ? ` (options: ${OPTIONS.join(", ")})`
                : ""
            }`,
          }));
          return {
            ok: false,
            code: E_INVALID_REQUEST,
            message: formatRequestAdError(issuesToError(command.sourced.source, issues)),
          };
        }
        requirePool(runtime);
        const request = validation.request;
        const period = command.leasePeriodSeconds ?? runtime.leasePeriodSeconds;
        const result = await runtime.ops.create(request, {
          wait: command.wait,
          ...(period === undefined ? {} : { leasePeriodSeconds: period }),
        });
        return resultOutcome({
          Name: result.name,
          StackName: result.stackName,
          StackId: result.stackId,
          StackStatus: result.stackStatus,
          Region: request.region,
          Outcome: result.outcome,
          RequestMatches: result.requestMatches,
          ClientRequestToken: result.clientRequestToken,
          ...timeAttributes("Deadline", result.deadline),
          DesiredCapacity: result.desiredCapacity,
          Subnets: result.subnets,
        });
      }),
  });
}

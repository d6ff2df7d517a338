import { Command } from "commander";
import { read } from "../../classad/plain.js";
import { type CliContext, callWithProgress, printJson } from "../cli-context.js";
import { annexNameOf, extendHours } from "../request-options.js";
import { formatUtcMinute } from "../table.js";

interface ExtendFlags {
  readonly name?: string;
  readonly duration?: string;
  readonly region?: string;
  readonly wait?: boolean;
  readonly json?: boolean;
}

/** `condor-annex extend`: moves an annex's hard deadline. */
export function buildExtendCommand(ctx: CliContext): Command {
  return new Command("extend")
    .description(
      "move an annex's hard deadline: new deadline = max(deadline, now) + hours (at most 168 h ahead)",
    )
    .argument("[name]", "annex name (same as --name)")
    .option("--name <name>", "annex name (classic: -annex-name)")
    .option("--duration <hours>", "hours to add, decimal (classic: -duration)")
    .option("--region <region>", "AWS region (classic: -aws-region)")
    .option("--no-wait", "return once CloudFormation accepted the update")
    .option("--json", "print the result as JSON")
    .action(async (positional: string | undefined, flags: ExtendFlags) => {
      const name = annexNameOf(positional, flags.name, "extend");
      const hours = extendHours(flags.duration);
      const result = await callWithProgress(ctx, `extending annex ${name} by ${hours} h`, "ANNEX_EXTEND", {
        Name: name,
        Hours: hours,
        Wait: flags.wait !== false,
        ...(flags.region === undefined ? {} : { Region: flags.region }),
      });
      if (flags.json === true) {
        printJson(ctx, result);
        return;
      }
      const before = read.number(result, "PreviousDeadline");
      const after = read.number(result, "Deadline");
      ctx.io.stdout.write(
        `Annex ${name}: deadline ${before === undefined ? "" : `moved from ${formatUtcMinute(before)} `}to ${
          after === undefined ? "?" : formatUtcMinute(after)
        } (${read.string(result, "StackStatus") ?? "?"}).\n`,
      );
    });
}

import { Command } from "commander";
import { read } from "../../classad/plain.js";
import { type CliContext, callWithProgress, printJson } from "../cli-context.js";
import { annexNameOf } from "../request-options.js";

interface DeleteFlags {
  readonly name?: string;
  readonly region?: string;
  readonly wait?: boolean;
  readonly json?: boolean;
}

/** `condor-annex delete`: deletes an annex's stack (its instances) and its pool token. */
export function buildDeleteCommand(ctx: CliContext): Command {
  return new Command("delete")
    .description("delete an annex now: its stack (and so its instances) and its pool token; idempotent")
    .argument("[name]", "annex name (same as --name)")
    .option("--name <name>", "annex name (classic: -annex-name)")
    .option("--region <region>", "AWS region (classic: -aws-region)")
    .option("--no-wait", "return once CloudFormation accepted the deletion")
    .option("--json", "print the result as JSON")
    .action(async (positional: string | undefined, flags: DeleteFlags) => {
      const name = annexNameOf(positional, flags.name, "delete");
      const result = await callWithProgress(ctx, `deleting annex ${name}`, "ANNEX_DELETE", {
        Name: name,
        Wait: flags.wait !== false,
        ...(flags.region === undefined ? {} : { Region: flags.region }),
      });
      if (flags.json === true) {
        printJson(ctx, result);
        return;
      }
      const tokens = read.strings(result, "TokensDeleted").length;
      ctx.io.stdout.write(
        read.boolean(result, "StackExisted") === false
          ? `Annex ${name} had no stack; ${tokens} token object(s) removed.\n`
          : `Annex ${name} deleted: stack ${read.string(result, "StackName") ?? "?"} ${read.string(result, "StackStatus") ?? "?"}; ${tokens} token object(s) removed.\n`,
      );
    });
}

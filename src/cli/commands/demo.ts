import { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { CliError, EXIT } from "../exit-codes.js";

/** `condor-annex demo` (in progress). */
export function buildDemoCommand(_ctx: CliContext): Command {
  return new Command("demo").description("run the embedded demo").action(() => {
    throw new CliError("demo: not built yet", EXIT.failure);
  });
}

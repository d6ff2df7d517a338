import { Command } from "commander";
import { VERSION } from "../version.js";
import { buildClassAdCommand } from "./classad-command.js";

/** Builds the `condor-annex` command line program (subcommands are added by their modules). */
export function buildProgram(): Command {
  const program = new Command("condor-annex")
    .description(
      "Burst an HTCondor pool onto AWS: create, watch, extend and delete leased annexes.\n" +
        "Drives the annex-gahp helper over the GAHP protocol.",
    )
    .version(VERSION, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "show this help");
  program.addCommand(buildClassAdCommand());
  return program;
}

/** Entry point: parses `argv` and runs the chosen subcommand. */
export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}

import { Command, CommanderError } from "commander";
import { HTCondorKnobs } from "../condor/knobs.js";
import { boundRegExpBacktracking } from "../regexp-guard.js";
import { VERSION } from "../version.js";
import { buildClassAdCommand } from "./classad-command.js";
import { isClassicCommandLine, translateClassic } from "./classic-options.js";
import { type CliContext, processContext } from "./cli-context.js";
import { processIO } from "./cli-io.js";
import { buildCreateCommand } from "./commands/create.js";
import { buildDeleteCommand } from "./commands/delete.js";
import { buildDemoCommand } from "./commands/demo.js";
import { buildExtendCommand } from "./commands/extend.js";
import { buildSetupCommand } from "./commands/setup.js";
import { buildStatusCommand } from "./commands/status.js";
import { buildTemplateCommand } from "./commands/template.js";
import { buildWatchCommand } from "./commands/watch.js";
import { CliError, EXIT, type ExitStatus } from "./exit-codes.js";

/** Builds the `condor-annex` command line program for `ctx`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("condor-annex")
    .description(
      "Burst an HTCondor pool onto AWS: create, watch, extend and delete leased annexes. " +
        "Drives the annex-gahp helper over the GAHP protocol. Also accepts classic condor_annex " +
        "options (-annex-name N -count C -duration H …, -status, -setup, -check-setup).",
    )
    .addHelpText(
      "after",
      "\nExit status: 0 ok; 1 failure from AWS or the helper; 2 usage error or invalid request;\n" +
        "3 not set up (run condor-annex setup). Knobs: _CONDOR_<KNOB>, then condor_config_val.",
    )
    .version(VERSION, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "show this help")
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .exitOverride();
  for (const command of [
    buildSetupCommand(ctx),
    buildCreateCommand(ctx),
    buildStatusCommand(ctx),
    buildExtendCommand(ctx),
    buildDeleteCommand(ctx),
    buildWatchCommand(ctx),
    buildDemoCommand(ctx),
    buildTemplateCommand(ctx),
    buildClassAdCommand(),
  ]) {
    program.addCommand(command);
  }
  // Subcommands report usage errors through the program's output and exit override.
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    });
    for (const sub of command.commands) {
      sub.exitOverride();
      sub.configureOutput({
        writeOut: (text) => ctx.io.stdout.write(text),
        writeErr: (text) => ctx.io.stderr.write(text),
      });
    }
  }
  return program;
}

/**
 * Runs condor-annex with `args` (without node and script) and returns the exit status. Classic
 * `condor_annex` command lines are translated first. Errors are printed as one line on stderr.
 */
export async function runCli(args: readonly string[], ctx: CliContext): Promise<ExitStatus> {
  let argv = [...args];
  if (isClassicCommandLine(argv)) {
    const translated = translateClassic(argv);
    if (!translated.ok) {
      ctx.io.stderr.write(`condor-annex: ${translated.message}\n`);
      return EXIT.usage;
    }
    argv = [...translated.argv];
  }
  try {
    await buildProgram(ctx).parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; everything else commander rejects is usage.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      ctx.io.stderr.write(`condor-annex: ${error.message}\n`);
      return error.exitStatus;
    }
    ctx.io.stderr.write(
      `condor-annex: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failure;
  }
}

/** Entry point: parses `argv` (with node and script) and sets the process's exit status. */
export async function main(argv: readonly string[]): Promise<void> {
  boundRegExpBacktracking();
  const ctx = processContext(
    processIO(),
    new HTCondorKnobs({ warn: (message) => process.stderr.write(`condor-annex: ${message}\n`) }),
  );
  const status = await runCli(argv.slice(2), ctx);
  // The classad subcommands set process.exitCode themselves; keep theirs unless we failed.
  if (status !== EXIT.ok) process.exitCode = status;
}

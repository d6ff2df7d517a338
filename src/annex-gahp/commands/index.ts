import type { ClassAd } from "../../classad/classad.js";
import type { ClassAdCodec } from "../../gahp/classad-command.js";
import type { GahpStatistics } from "../../gahp/statistics.js";
import type { GahpCommand } from "../../gahp/types.js";
import { RuntimeLoader } from "../runtime.js";
import { sourcedCodec } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { createCommand } from "./create-command.js";
import { deleteCommand } from "./delete-command.js";
import { extendCommand } from "./extend-command.js";
import { jobsCommand } from "./jobs-command.js";
import { listCommand } from "./list-command.js";
import { setupCommand } from "./setup-command.js";
import { statusCommand } from "./status-command.js";

/**
 * The annex commands of annex-gahp (contract: docs/annex-commands.md). annex-gahp imports this
 * module after its banner and registers what {@link annexGahpCommands} returns. Configuration,
 * AWS clients and the demand loop are built by the first command that needs them.
 */

/** What annex-gahp hands over (the same shape as its `AnnexCommandDeps`). */
export interface AnnexGahpCommandDeps {
  readonly codec: ClassAdCodec<ClassAd>;
  readonly statistics: GahpStatistics;
  readonly log: (message: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** The seven annex commands, in the order `COMMANDS` lists them. */
export function annexGahpCommands(deps: AnnexGahpCommandDeps): GahpCommand[] {
  const context: AnnexCommandContext = {
    codec: sourcedCodec(deps.codec),
    runtime: new RuntimeLoader({ env: deps.env, statistics: deps.statistics, log: deps.log }),
    log: deps.log,
  };
  return [
    setupCommand(context),
    createCommand(context),
    statusCommand(context),
    jobsCommand(context),
    extendCommand(context),
    deleteCommand(context),
    listCommand(context),
  ];
}

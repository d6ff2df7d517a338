import type { ClassAdCodec } from "../../gahp/classad-command.js";
import type { RuntimeLoader } from "../runtime.js";
import type { SourcedAd } from "./arguments.js";

/** What every annex command module receives. */
export interface AnnexCommandContext {
  /** The argument/result codec (argument ads keep their text for line:column). */
  readonly codec: ClassAdCodec<SourcedAd>;
  readonly runtime: RuntimeLoader;
  readonly log: (message: string) => void;
}

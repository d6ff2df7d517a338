import { isNullArg } from "./framing.js";
import type { AsyncCommand, AsyncCommandContext, ResultFields } from "./types.js";

/** A position-bearing error from parsing or validating a request ad. */
export interface RequestAdError {
  readonly message: string;
  /** 1-based line and column in the ad's text, when known. */
  readonly line?: number;
  readonly column?: number;
}

/** Either a value or the reason there is none. */
export type Checked<T, E = RequestAdError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/**
 * Parses and prints ClassAds for the annex commands. Injected so that the protocol layer does
 * not depend on the ClassAd implementation (src/classad provides the real one).
 */
export interface ClassAdCodec<Ad> {
  parse(text: string): Checked<Ad>;
  print(ad: Ad): string;
}

/** The outcome of an annex command: a result ad, or an error code and message. */
export type ClassAdOutcome<Ad> =
  | { readonly ok: true; readonly ad: Ad }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** The code of the result for an argument ad that does not parse or validate. */
export const E_INVALID_REQUEST = "E_INVALID_REQUEST";

export interface ClassAdCommandSpec<Ad, Request> {
  /** Command name on the wire, e.g. `ANNEX_CREATE`. */
  readonly name: string;
  readonly codec: ClassAdCodec<Ad>;
  /** Turns the parsed ad into the command's request, or says what is wrong and where. */
  readonly validate: (ad: Ad) => Checked<Request>;
  /** Does the work; may reject (the result is then `1 E_INTERNAL <message>`). */
  readonly run: (request: Request, context: AsyncCommandContext) => Promise<ClassAdOutcome<Ad>>;
}

/**
 * An asynchronous command taking `<reqid> <escaped ClassAd>`. The line itself is answered `S`
 * (a malformed line — bad id, wrong argument count — gets `E` from the server). An ad that
 * does not parse or validate gives the result `<reqid> 1 E_INVALID_REQUEST <line:column: message>`;
 * otherwise the result is `<reqid> 0 <result ad>` or `<reqid> 1 <CODE> <message>`. The
 * argument `NULL` stands for the empty ad `[]`.
 */
export function classAdCommand<Ad, Request>(spec: ClassAdCommandSpec<Ad, Request>): AsyncCommand {
  return {
    kind: "async",
    name: spec.name,
    args: 1,
    handle(args, context) {
      const text = args[0] === undefined || isNullArg(args[0]) ? "[]" : args[0];
      const parsed = spec.codec.parse(text);
      if (!parsed.ok) return invalid(parsed.error);
      const checked = spec.validate(parsed.value);
      if (!checked.ok) return invalid(checked.error);
      return spec.run(checked.value, context).then((outcome): ResultFields => {
        if (outcome.ok) return ["0", spec.codec.print(outcome.ad)];
        return ["1", outcome.code, outcome.message];
      });
    },
  };
}

/** Formats a request-ad error as `line:column: message` (position omitted when unknown). */
export function formatRequestAdError(error: RequestAdError): string {
  if (error.line === undefined) return error.message;
  return `${error.line}:${error.column ?? 1}: ${error.message}`;
}

function invalid(error: RequestAdError): ResultFields {
  return ["1", E_INVALID_REQUEST, formatRequestAdError(error)];
}

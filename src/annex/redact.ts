/**
 * Secrets never reach a log. {@link Secret} wraps a secret so that every accidental rendering
 * (string interpolation, JSON, util.inspect) shows `[REDACTED]`; {@link redact} scrubs known
 * secret values and token-looking text out of a message before it is logged.
 */

const REDACTED = "[REDACTED]";

/** A secret value (a pool token): only `reveal()` gives it out. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the one place that needs it (the S3 upload body). */
  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${REDACTED})`;
  }
}

/** A JWT (HTCondor IDTOKENs are JWTs): three base64url parts separated by dots. */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;

/** Replaces every occurrence of the given secrets, and anything JWT-shaped, with `[REDACTED]`. */
export function redact(message: string, secrets: readonly (Secret | string)[] = []): string {
  let text = message;
  for (const secret of secrets) {
    const value = typeof secret === "string" ? secret : secret.reveal();
    if (value.length >= 4) text = text.split(value).join(REDACTED);
    const trimmed = value.trim();
    if (trimmed !== value && trimmed.length >= 4) text = text.split(trimmed).join(REDACTED);
  }
  return text.replace(JWT, REDACTED);
}

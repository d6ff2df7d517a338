import type { ClassAd } from "../../classad/classad.js";
import { Evaluator } from "../../classad/evaluate.js";
import { describeValue, type Value } from "../../classad/value.js";
import type { Checked, ClassAdCodec, RequestAdError } from "../../gahp/classad-command.js";
import { type PathStep, SourceText } from "./source-positions.js";

/**
 * Argument ads of the annex commands: the parsed ad together with its text (for line:column),
 * and a reader that turns attributes into typed values, reporting every problem — wrong type,
 * out of range, missing, unknown attribute — with its position and the expected form.
 */

/** A parsed argument ad and the text it came from. */
export interface SourcedAd {
  readonly ad: ClassAd;
  /** The text it was parsed from; undefined for ads built by the helper (results). */
  readonly source: SourceText | undefined;
}

/** A result ad in the codec's form. */
export function built(ad: ClassAd): SourcedAd {
  return { ad, source: undefined };
}

/** Wraps the helper's ClassAd codec so that validation can point into the text. */
export function sourcedCodec(codec: ClassAdCodec<ClassAd>): ClassAdCodec<SourcedAd> {
  return {
    parse(text) {
      const parsed = codec.parse(text);
      if (!parsed.ok) return parsed;
      return { ok: true, value: { ad: parsed.value, source: new SourceText(text) } };
    },
    print: (sourced) => codec.print(sourced.ad),
  };
}

/** One problem, where it is. */
export interface ArgumentIssue {
  readonly path: readonly PathStep[];
  readonly message: string;
}

/**
 * Joins problems into one request-ad error: the first problem's position is the error's, the
 * others carry theirs in the message (`1:3: A: …; 2:5: B: …`).
 */
export function issuesToError(
  source: SourceText | undefined,
  issues: readonly ArgumentIssue[],
): RequestAdError {
  const [head, ...tail] = issues;
  if (head === undefined) return { message: "invalid request" };
  if (source === undefined) return { message: issues.map((issue) => issue.message).join("; ") };
  const first = { ...source.positionOf(head.path), message: head.message };
  const rest = tail.map((issue) => ({ ...source.positionOf(issue.path), message: issue.message }));
  return {
    line: first.line,
    column: first.column,
    message: [first.message, ...rest.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`)].join(
      "; ",
    ),
  };
}

/** Reads typed attributes from an argument ad; `finish()` reports every problem at once. */
export class ArgumentReader {
  readonly issues: ArgumentIssue[] = [];
  readonly #evaluator = new Evaluator();
  readonly #known = new Map<string, string>();

  constructor(
    readonly command: string,
    readonly sourced: SourcedAd,
  ) {}

  /** Records a problem with an attribute. */
  problem(name: string, message: string, path: readonly PathStep[] = [name]): void {
    this.issues.push({ path, message: `${name}: ${message}` });
  }

  /** Declares an attribute as known without reading it (another validator reads it). */
  accept(...names: string[]): void {
    for (const name of names) this.#known.set(name.toLowerCase(), name);
  }

  #value(name: string, required: boolean, form: string): Value | undefined {
    this.#known.set(name.toLowerCase(), name);
    if (!this.sourced.ad.has(name)) {
      if (required) this.issues.push({ path: [], message: `${name}: required (${form})` });
      return undefined;
    }
    return this.#evaluator.evaluateAttribute(this.sourced.ad, name);
  }

  string(name: string, options: { required?: boolean; form?: string } = {}): string | undefined {
    const form = options.form ?? "a string";
    const value = this.#value(name, options.required ?? false, form);
    if (value === undefined) return undefined;
    if (value.kind === "string" && value.value !== "") return value.value;
    this.problem(
      name,
      `expected ${form}, got ${value.kind === "string" ? "an empty string" : describeValue(value)}`,
    );
    return undefined;
  }

  boolean(name: string): boolean | undefined {
    const value = this.#value(name, false, "true or false");
    if (value === undefined) return undefined;
    if (value.kind === "boolean") return value.value;
    this.problem(name, `expected true or false, got ${describeValue(value)}`);
    return undefined;
  }

  number(
    name: string,
    options: { required?: boolean; integer?: boolean; min?: number; max?: number; form?: string } = {},
  ): number | undefined {
    const form =
      options.form ??
      `${options.integer ? "an integer" : "a number"}${options.min !== undefined ? ` ≥ ${options.min}` : ""}${options.max !== undefined ? ` and ≤ ${options.max}` : ""}`;
    const value = this.#value(name, options.required ?? false, form);
    if (value === undefined) return undefined;
    let n: number | undefined;
    if (value.kind === "integer") n = Number(value.value);
    else if (value.kind === "real" && !options.integer) n = value.value;
    if (
      n === undefined ||
      !Number.isFinite(n) ||
      (options.min !== undefined && n < options.min) ||
      (options.max !== undefined && n > options.max)
    ) {
      this.problem(name, `expected ${form}, got ${describeValue(value)}`);
      return undefined;
    }
    return n;
  }

  /** A list value (its items evaluated), or undefined with a problem recorded. */
  list(name: string, options: { required?: boolean; form: string }): { items: Value[] } | undefined {
    const value = this.#value(name, options.required ?? false, options.form);
    if (value === undefined) return undefined;
    if (value.kind !== "list") {
      this.problem(name, `expected ${options.form}, got ${describeValue(value)}`);
      return undefined;
    }
    return { items: value.items.map((item) => this.#evaluator.evaluate(item, value.scope)) };
  }

  /** Unknown attributes, then the verdict. */
  finish<T>(value: () => T): Checked<T> {
    const expected = this.#known.size;
    for (const attribute of this.sourced.ad.attributes()) {
      if (this.#known.has(attribute.name.toLowerCase())) continue;
      this.issues.push({
        path: [attribute.name],
        message: `${attribute.name}: unknown attribute of ${this.command}${expected > 0 ? ` (expected ${this.#knownNames()})` : " (it takes no attributes)"}`,
      });
    }
    if (this.issues.length > 0) return { ok: false, error: issuesToError(this.sourced.source, this.issues) };
    return { ok: true, value: value() };
  }

  #knownNames(): string {
    return [...this.#known.values()].join(", ");
  }
}

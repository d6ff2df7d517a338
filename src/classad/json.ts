/**
 * HTCondor's JSON form of ClassAds (`condor_q -json`; libclassad's jsonSink/jsonSource).
 *
 * Writing: integers, booleans, strings, nested ads (objects) and lists (arrays) map directly;
 * undefined is `null`; reals use the old `%.16G` format; everything else — error, time literals,
 * NaN/Inf and any expression that is not a literal — is the string `"\/Expr(<new syntax>)\/"`.
 * Reading: the same, `null` is a keyword (`undefined` is not), leading-zero integers are errors,
 * and a string of the form `/Expr(…)/` is parsed as an expression.
 */
import type { Attribute, Expr, RecordExpr } from "./ast.js";
import { ClassAd } from "./classad.js";
import { ClassAdSyntaxError, type ParseResult } from "./errors.js";
import { formatRealOld } from "./number-format.js";
import { parseExpression } from "./parse.js";
import { sortedAttributes, unparse } from "./unparse.js";

export type { ParseResult } from "./errors.js";

/** A byte string as a JSON string literal (bytes ≥ 0x80 are written raw: the output is bytes). */
export function jsonString(bytes: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x20 && c !== 34 && c !== 92) continue;
    out += bytes.slice(runStart, i);
    runStart = i + 1;
    switch (c) {
      case 34:
        out += '\\"';
        break;
      case 92:
        out += "\\\\";
        break;
      case 8:
        out += "\\b";
        break;
      case 12:
        out += "\\f";
        break;
      case 10:
        out += "\\n";
        break;
      case 13:
        out += "\\r";
        break;
      case 9:
        out += "\\t";
        break;
      default:
        out += `\\u00${c.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return `${out + bytes.slice(runStart)}"`;
}

function exprString(e: Expr): string {
  return jsonString(`/Expr(${unparse(e)})/`)
    .replace(/^"\//, '"\\/')
    .replace(/\/"$/, '\\/"');
}

/** Layout: jsonSink's pretty form (two-space indent) or its one-line form (`-jsonl`). */
interface Layout {
  oneLine: boolean;
}

function newline(layout: Layout, indent: string): string {
  return layout.oneLine ? "" : `\n${indent}`;
}

function writeValue(e: Expr, indent: string, layout: Layout, out: string[]): void {
  if (e.kind === "literal") {
    const v = e.value;
    switch (v.type) {
      case "integer":
        out.push(v.value.toString());
        return;
      case "boolean":
        out.push(v.value ? "true" : "false");
        return;
      case "undefined":
        out.push("null");
        return;
      case "string":
        out.push(jsonString(v.value));
        return;
      case "real":
        out.push(Number.isFinite(v.value) ? formatRealOld(v.value) : exprString(e));
        return;
      default:
        out.push(exprString(e));
        return;
    }
  }
  if (e.kind === "record") {
    writeObject(e.attributes, indent, layout, out);
    return;
  }
  if (e.kind === "list") {
    // As jsonSink: every item on its own line, and the closing bracket too (also when empty).
    const inner = `${indent}  `;
    out.push("[");
    e.items.forEach((item, i) => {
      if (i > 0) out.push(",");
      out.push(newline(layout, inner));
      writeValue(item, inner, layout, out);
    });
    out.push(newline(layout, indent), "]");
    return;
  }
  out.push(exprString(e));
}

function writeObject(attributes: readonly Attribute[], indent: string, layout: Layout, out: string[]): void {
  const inner = `${indent}  `;
  out.push("{");
  sortedAttributes(attributes).forEach((a, i) => {
    if (i > 0) out.push(",");
    out.push(newline(layout, inner), jsonString(a.name), ": ");
    writeValue(a.expr, inner, layout, out);
  });
  out.push(newline(layout, indent), "}");
}

/** Options of the JSON writers. */
export interface JsonWriteOptions {
  /** One line per ad (`condor_q -jsonl`), instead of the indented form. */
  oneLine?: boolean;
}

/** One ad as a JSON object (byte string; attributes in libclassad's order). */
export function formatJsonAd(ad: ClassAd | RecordExpr, options: JsonWriteOptions = {}): string {
  const out: string[] = [];
  writeObject(
    ad instanceof ClassAd ? [...ad.attributes()] : ad.attributes,
    "",
    { oneLine: options.oneLine ?? false },
    out,
  );
  return out.join("");
}

/** Ads as a JSON array of objects, the `condor_q -json` layout. */
export function formatJsonAds(ads: Iterable<ClassAd | RecordExpr>): string {
  const parts: string[] = [];
  for (const ad of ads) parts.push(formatJsonAd(ad));
  return `[\n${parts.join(",\n")}\n]\n`;
}

/** Ads as JSON lines, one object per line (`condor_q -jsonl`). */
export function formatJsonLines(ads: Iterable<ClassAd | RecordExpr>): string {
  let out = "";
  for (const ad of ads) out += `${formatJsonAd(ad, { oneLine: true })}\n`;
  return out;
}

/** Any JSON value of a ClassAd document. */
type JsonExpr = Expr;

class JsonReader {
  i = 0;
  constructor(
    readonly text: string,
    readonly inputIsBytes: boolean,
  ) {}

  fail(message: string, expected: string[], at = this.i): never {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < this.text.length; k++) {
      if (this.text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    throw new ClassAdSyntaxError({
      message,
      line,
      column: at - lineStart + 1,
      offendingText: this.text.slice(at, at + 20),
      expected,
    });
  }

  ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  value(depth: number): JsonExpr {
    if (depth > 2000) this.fail("JSON nested too deeply", ["at most 2000 levels"]);
    this.ws();
    const c = this.text.charCodeAt(this.i);
    if (c === 123) return this.object(depth);
    if (c === 91) return this.array(depth);
    if (c === 34) return this.stringValue();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    for (const [word, expr] of KEYWORDS) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return expr;
      }
    }
    return this.fail(
      this.i >= this.text.length ? "unexpected end of JSON input" : "unexpected character in JSON",
      ["a JSON value"],
    );
  }

  object(depth: number): RecordExpr {
    this.i++;
    const byKey = new Map<string, Attribute>();
    this.ws();
    if (this.text.charCodeAt(this.i) === 125) {
      this.i++;
      return { kind: "record", attributes: [] };
    }
    for (;;) {
      this.ws();
      if (this.text.charCodeAt(this.i) !== 34) this.fail("expected an attribute name", ["'\"'"]);
      const name = this.string();
      this.ws();
      if (this.text.charCodeAt(this.i) !== 58) this.fail("expected ':' after the attribute name", ["':'"]);
      this.i++;
      const expr = this.value(depth + 1);
      byKey.set(name.toLowerCase(), { name, expr });
      this.ws();
      const c = this.text.charCodeAt(this.i);
      this.i++;
      if (c === 125) break;
      if (c !== 44) this.fail("expected ',' or '}'", ["','", "'}'"], this.i - 1);
    }
    return { kind: "record", attributes: [...byKey.values()] };
  }

  array(depth: number): Expr {
    this.i++;
    const items: Expr[] = [];
    this.ws();
    if (this.text.charCodeAt(this.i) === 93) {
      this.i++;
      return { kind: "list", items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.text.charCodeAt(this.i);
      this.i++;
      if (c === 93) break;
      if (c !== 44) this.fail("expected ',' or ']'", ["','", "']'"], this.i - 1);
    }
    return { kind: "list", items };
  }

  number(): Expr {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (m === null) return this.fail("malformed number", ["a JSON number"]);
    const image = m[0];
    const after = this.text.charCodeAt(this.i + image.length);
    if (after >= 48 && after <= 57) this.fail("integer with a leading zero", ["a JSON number"]);
    this.i += image.length;
    if (m[2] === undefined && m[3] === undefined) {
      const v = BigInt(image);
      const inRange = v >= -(2n ** 63n) && v < 2n ** 63n;
      return { kind: "literal", value: { type: "integer", value: inRange ? v : 0n } };
    }
    return { kind: "literal", value: { type: "real", value: Number(image) } };
  }

  stringValue(): Expr {
    const start = this.i;
    const s = this.string();
    if (s.startsWith("/Expr(") && s.endsWith(")/") && s.length >= 8) {
      const parsed = parseExpression(s.slice(6, -2), { inputIsBytes: true });
      if (!parsed.ok)
        this.fail(`bad expression in /Expr(...)/: ${parsed.error.reason}`, ["a ClassAd expression"], start);
      return parsed.value;
    }
    return { kind: "literal", value: { type: "string", value: s } };
  }

  /** Reads a JSON string at `this.i` into a byte string. */
  string(): string {
    const t = this.text;
    this.i++;
    let out = "";
    let runStart = this.i;
    for (;;) {
      if (this.i >= t.length) this.fail("unterminated JSON string", ["'\"'"]);
      const c = t.charCodeAt(this.i);
      if (c === 34) break;
      if (c < 0x20) this.fail("control character in a JSON string", ["an escape sequence"]);
      if (c !== 92) {
        this.i++;
        continue;
      }
      out += this.bytes(t.slice(runStart, this.i));
      const e = t.charAt(this.i + 1);
      this.i += 2;
      const simple = JSON_ESCAPES[e];
      if (simple !== undefined) out += simple;
      else if (e === "u") {
        const hex = t.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape", ["four hex digits"], this.i - 2);
        let code = Number.parseInt(hex, 16);
        this.i += 4;
        if (code >= 0xd800 && code <= 0xdbff && t.startsWith("\\u", this.i)) {
          const low = Number.parseInt(t.slice(this.i + 2, this.i + 6), 16);
          if (low >= 0xdc00 && low <= 0xdfff) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            this.i += 6;
          }
        }
        out += Buffer.from(String.fromCodePoint(code), "utf8").toString("latin1");
      } else
        this.fail(
          `bad escape '\\${e}' in a JSON string`,
          ['\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX'],
          this.i - 2,
        );
      runStart = this.i;
    }
    out += this.bytes(t.slice(runStart, this.i));
    this.i++;
    return out;
  }

  bytes(chunk: string): string {
    return !this.inputIsBytes && /[\u0080-\uffff]/.test(chunk)
      ? Buffer.from(chunk, "utf8").toString("latin1")
      : chunk;
  }
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

const KEYWORDS: ReadonlyArray<readonly [string, Expr]> = [
  ["null", { kind: "literal", value: { type: "undefined" } }],
  ["true", { kind: "literal", value: { type: "boolean", value: true } }],
  ["false", { kind: "literal", value: { type: "boolean", value: false } }],
];

/** Options of the JSON readers. */
export interface JsonOptions {
  /** The text is a byte string (e.g. a file decoded as latin1). */
  inputIsBytes?: boolean;
}

function readDocument(text: string, options: JsonOptions): ParseResult<Expr> {
  const reader = new JsonReader(text, options.inputIsBytes ?? false);
  try {
    const v = reader.value(0);
    reader.ws();
    if (reader.i < text.length) reader.fail("unexpected text after the JSON value", ["end of input"]);
    return { ok: true, value: v };
  } catch (e) {
    if (e instanceof ClassAdSyntaxError) return { ok: false, error: e };
    throw e;
  }
}

/**
 * Parses HTCondor JSON: an array of ad objects (`condor_q -json`), or a single object. Every
 * element must be an object.
 */
export function parseJsonAds(text: string, options: JsonOptions = {}): ParseResult<ClassAd[]> {
  const doc = readDocument(text, options);
  if (!doc.ok) return doc;
  const v = doc.value;
  const records = v.kind === "record" ? [v] : v.kind === "list" ? v.items : null;
  const ads: ClassAd[] = [];
  for (const r of records ?? []) {
    if (r.kind !== "record") {
      return {
        ok: false,
        error: new ClassAdSyntaxError({
          message: "a JSON ClassAd document must hold objects",
          line: 1,
          column: 1,
          offendingText: text.slice(0, 20),
          expected: ["an object or an array of objects"],
        }),
      };
    }
    ads.push(ClassAd.fromRecord(r));
  }
  if (records === null) {
    return {
      ok: false,
      error: new ClassAdSyntaxError({
        message: "a JSON ClassAd document must be an object or an array of objects",
        line: 1,
        column: 1,
        offendingText: text.slice(0, 20),
        expected: ["'{'", "'['"],
      }),
    };
  }
  return { ok: true, value: ads };
}

/** Parses one JSON value as a ClassAd expression (objects become records, arrays lists). */
export function parseJsonValue(text: string, options: JsonOptions = {}): ParseResult<Expr> {
  return readDocument(text, options);
}

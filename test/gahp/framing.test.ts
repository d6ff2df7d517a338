import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeArg,
  type FramedLine,
  isNullArg,
  joinArgs,
  LineSplitter,
  nullableArg,
  splitArgs,
} from "../../src/gahp/framing.js";

function frame(chunks: readonly Buffer[], max = 1 << 20): FramedLine[] {
  const splitter = new LineSplitter(max);
  const lines: FramedLine[] = [];
  for (const chunk of chunks) splitter.push(chunk, (line) => lines.push(line));
  splitter.end((line) => lines.push(line));
  return lines;
}

function texts(lines: readonly FramedLine[]): string[] {
  return lines.map((line) => (line.kind === "line" ? line.text : `<overlong ${line.bytes}>`));
}

/** Cuts a buffer at the given (sorted, deduplicated) offsets. */
function cut(buffer: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (buffer.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(buffer.subarray(start, point));
    start = point;
  }
  chunks.push(buffer.subarray(start));
  return chunks;
}

const specialHeavyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(" ", "\\", "\r", "\n", "\t", "a", "Z", "$", "é", "漢", "😀", "\u0000"),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  minLength: 1,
  maxLength: 30,
});

describe("escaping", () => {
  it("puts a backslash before space, tab, backslash, CR and LF and nothing else", () => {
    expect(escapeArg("a b\\c\rd\ne\tf")).toBe("a\\ b\\\\c\\\rd\\\ne\\\tf");
    expect(escapeArg('[ Name = "x" ]')).toBe('[\\ Name\\ =\\ "x"\\ ]');
    expect(escapeArg("plain$:=;")).toBe("plain$:=;");
  });

  it("writes null and the empty string as NULL", () => {
    expect(escapeArg(null)).toBe("NULL");
    expect(escapeArg("")).toBe("NULL");
    expect(joinArgs(["S", null, "x"])).toBe("S NULL x");
  });

  it("recognises NULL in any case as no value, and nothing else", () => {
    expect(isNullArg("NULL")).toBe(true);
    expect(isNullArg("null")).toBe(true);
    expect(isNullArg("NuLl")).toBe(true);
    expect(isNullArg("NULLS")).toBe(false);
    expect(nullableArg("Null")).toBeNull();
    expect(nullableArg("value")).toBe("value");
  });

  it("round-trips any list of non-empty arguments through join and split (property)", () => {
    fc.assert(
      fc.property(fc.array(specialHeavyString, { maxLength: 8 }), (args) => {
        expect(splitArgs(joinArgs(args))).toEqual(args);
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips arguments through the byte-level splitter however the bytes are chunked (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(specialHeavyString, { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (lines, offsets, crlf) => {
          const wire = Buffer.from(lines.map((args) => `${joinArgs(args)}${crlf ? "\r\n" : "\n"}`).join(""));
          const framed = frame(cut(wire, offsets));
          expect(framed.map((line) => (line.kind === "line" ? splitArgs(line.text) : null))).toEqual(lines);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("splitting arguments", () => {
  it("separates on runs of unescaped space, tab and CR", () => {
    expect(splitArgs("  CMD \t a\r b  ")).toEqual(["CMD", "a", "b"]);
    expect(splitArgs("CMD a\\ b")).toEqual(["CMD", "a b"]);
  });

  it("makes the character after a backslash literal, whatever it is", () => {
    expect(splitArgs("X a\\\\b \\q \\\r")).toEqual(["X", "a\\b", "q", "\r"]);
  });

  it("drops a lone backslash at the very end of the line", () => {
    expect(splitArgs("X a\\")).toEqual(["X", "a"]);
  });

  it("unescapes Latin-1 fields, wider characters and fields larger than the scratch buffer alike", () => {
    const ad = '[ Name = "é x"; Note = "a\\b" ]';
    const wide = "漢 字 😀 x";
    const big = `${"k ".repeat(40_000)}end`; // 80 KB with escapes: past the 64 KiB scratch buffer
    const line = joinArgs(["R", ad, wide, big, "tail\\"]);
    expect(splitArgs(line)).toEqual(["R", ad, wide, big, "tail\\"]);
    expect(splitArgs(`${joinArgs(["X", big])}\\`)).toEqual(["X", big]);
  });

  it("gives no arguments for an empty or blank line", () => {
    expect(splitArgs("")).toEqual([]);
    expect(splitArgs(" \t\r")).toEqual([]);
  });
});

describe("framing lines", () => {
  it("ends lines at LF and treats the CR of CRLF as a separator, so both give the same arguments", () => {
    const lf = frame([Buffer.from("A b\nC d\n")]);
    const crlf = frame([Buffer.from("A b\r\nC d\r\n")]);
    expect(texts(lf)).toEqual(["A b", "C d"]);
    expect(texts(crlf).map(splitArgs)).toEqual([
      ["A", "b"],
      ["C", "d"],
    ]);
  });

  it("continues a line over an escaped LF and keeps the LF as data", () => {
    const lines = frame([Buffer.from("X a\\\nb\nY\n")]);
    expect(texts(lines)).toEqual(["X a\\\nb", "Y"]);
    expect(splitArgs(texts(lines)[0] ?? "")).toEqual(["X", "a\nb"]);
  });

  it("judges an LF by the parity of the backslashes before it, even across chunks", () => {
    expect(texts(frame([Buffer.from("X a\\"), Buffer.from("\\"), Buffer.from("\nY\n")]))).toEqual([
      "X a\\\\",
      "Y",
    ]);
    expect(texts(frame([Buffer.from("X a\\"), Buffer.from("\\\\"), Buffer.from("\nb\n")]))).toEqual([
      "X a\\\\\\\nb",
    ]);
  });

  it("counts a final line without its LF when the input ends", () => {
    expect(texts(frame([Buffer.from("A\nQUIT")]))).toEqual(["A", "QUIT"]);
  });

  it("keeps invalid UTF-8 as a line (with replacement characters) rather than failing", () => {
    const lines = frame([Buffer.from([0xff, 0xfe, 0x41, 0x0a])]);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.kind).toBe("line");
  });

  it("reports a line over the limit once, at its end, and carries on with the next line", () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const chunks = cut(
      Buffer.concat([Buffer.from("A\n"), big, Buffer.from("\nB\n")]),
      [5, 65536, 3_000_000, 9_999_999],
    );
    const lines = frame(chunks, 4096);
    expect(texts(lines)).toEqual(["A", `<overlong ${big.length}>`, "B"]);
  });

  it("accepts a line of exactly the limit and refuses one byte more", () => {
    expect(texts(frame([Buffer.from("abcd\nabcde\n")], 4))).toEqual(["abcd", "<overlong 5>"]);
  });

  it("frames the same lines however the input is chunked (property)", () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ maxLength: 200 })
          .map((bytes) => Buffer.from(bytes.map((b) => [0x0a, 0x5c, 0x0d, 0x20, b][b % 5] ?? b))),
        fc.array(fc.nat(), { maxLength: 8 }),
        (wire, offsets) => {
          expect(frame(cut(wire, offsets), 50)).toEqual(frame([wire], 50));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/**
 * How every literal kind prints in the three forms (reference §9): new syntax (libclassad's
 * unparser), old syntax (`condor_q -long`), and JSON (`condor_q -json`). Strings are byte strings.
 */
import type { Literal } from "../../../src/classad/ast.js";

export interface PrintCase {
  what: string;
  value: Literal;
  new: string;
  old: string;
  json: string;
}

const real = (value: number): Literal => ({ type: "real", value });
const int = (value: bigint): Literal => ({ type: "integer", value });
const str = (value: string): Literal => ({ type: "string", value });

export const printCases: PrintCase[] = [
  { what: "integer", value: int(42n), new: "42", old: "42", json: "42" },
  { what: "negative integer", value: int(-7n), new: "-7", old: "-7", json: "-7" },
  {
    what: "INT64_MIN",
    value: int(-(2n ** 63n)),
    new: "-9223372036854775808",
    old: "-9223372036854775808",
    json: "-9223372036854775808",
  },
  {
    what: "INT64_MAX",
    value: int(2n ** 63n - 1n),
    new: "9223372036854775807",
    old: "9223372036854775807",
    json: "9223372036854775807",
  },
  { what: "real 1.5", value: real(1.5), new: "1.500000000000000E+00", old: "1.5", json: "1.5" },
  { what: "real 3", value: real(3), new: "3.000000000000000E+00", old: "3.0", json: "3.0" },
  { what: "real 0.1", value: real(0.1), new: "1.000000000000000E-01", old: "0.1", json: "0.1" },
  { what: "real 1e20", value: real(1e20), new: "1.000000000000000E+20", old: "1E+20", json: "1E+20" },
  { what: "real 1e-5", value: real(1e-5), new: "1.000000000000000E-05", old: "1E-05", json: "1E-05" },
  {
    what: "real 123456789.123456789",
    value: real(Number("123456789.123456789")),
    new: "1.234567891234568E+08",
    old: "123456789.1234568",
    json: "123456789.1234568",
  },
  {
    what: "real 2.5e15",
    value: real(2.5e15),
    new: "2.500000000000000E+15",
    old: "2500000000000000.0",
    json: "2500000000000000.0",
  },
  { what: "real 1e16", value: real(1e16), new: "1.000000000000000E+16", old: "1E+16", json: "1E+16" },
  { what: "real -2.25", value: real(-2.25), new: "-2.250000000000000E+00", old: "-2.25", json: "-2.25" },
  { what: "real 1e300", value: real(1e300), new: "1.000000000000000E+300", old: "1E+300", json: "1E+300" },
  { what: "real 0.0001", value: real(0.0001), new: "1.000000000000000E-04", old: "0.0001", json: "0.0001" },
  {
    what: "real 0.00001234",
    value: real(0.00001234),
    new: "1.234000000000000E-05",
    old: "1.234E-05",
    json: "1.234E-05",
  },
  { what: "real 0.0", value: real(0), new: "0.0", old: "0.0", json: "0.0" },
  { what: "real -0.0", value: real(-0), new: "-0.0", old: "-0.0", json: "-0.0" },
  {
    what: "NaN",
    value: real(Number.NaN),
    new: 'real("NaN")',
    old: 'real("NaN")',
    json: '"\\/Expr(real(\\"NaN\\"))\\/"',
  },
  {
    what: "INF",
    value: real(Number.POSITIVE_INFINITY),
    new: 'real("INF")',
    old: 'real("INF")',
    json: '"\\/Expr(real(\\"INF\\"))\\/"',
  },
  {
    what: "-INF",
    value: real(Number.NEGATIVE_INFINITY),
    new: 'real("-INF")',
    old: 'real("-INF")',
    json: '"\\/Expr(real(\\"-INF\\"))\\/"',
  },
  { what: "true", value: { type: "boolean", value: true }, new: "true", old: "true", json: "true" },
  { what: "false", value: { type: "boolean", value: false }, new: "false", old: "false", json: "false" },
  { what: "undefined", value: { type: "undefined" }, new: "undefined", old: "undefined", json: "null" },
  { what: "error", value: { type: "error" }, new: "error", old: "error", json: '"\\/Expr(error)\\/"' },
  { what: "plain string", value: str("abc"), new: '"abc"', old: '"abc"', json: '"abc"' },
  { what: "empty string", value: str(""), new: '""', old: '""', json: '""' },
  { what: "string with quote", value: str('a"b'), new: '"a\\"b"', old: '"a\\"b"', json: '"a\\"b"' },
  { what: "string with backslash", value: str("a\\b"), new: '"a\\\\b"', old: '"a\\b"', json: '"a\\\\b"' },
  {
    what: "string ending in backslash",
    value: str("C:\\dir\\"),
    new: '"C:\\\\dir\\\\"',
    old: '"C:\\dir\\"',
    json: '"C:\\\\dir\\\\"',
  },
  { what: "string with tab", value: str("a\tb"), new: '"a\\tb"', old: '"a\tb"', json: '"a\\tb"' },
  { what: "string with newline", value: str("a\nb"), new: '"a\\nb"', old: '"a\nb"', json: '"a\\nb"' },
  { what: "string with CR", value: str("a\rb"), new: '"a\\rb"', old: '"a\rb"', json: '"a\\rb"' },
  { what: "string with BEL", value: str("\x07"), new: '"\\a"', old: '"\x07"', json: '"\\u0007"' },
  { what: "string with backspace", value: str("\b"), new: '"\\b"', old: '"\b"', json: '"\\b"' },
  { what: "string with form feed", value: str("\f"), new: '"\\f"', old: '"\f"', json: '"\\f"' },
  { what: "string with VT", value: str("\v"), new: '"\\v"', old: '"\v"', json: '"\\u000B"' },
  { what: "string with ESC", value: str("\x1b"), new: '"\\033"', old: '"\x1b"', json: '"\\u001B"' },
  { what: "string with DEL", value: str("\x7f"), new: '"\\177"', old: '"\x7f"', json: '"\x7f"' },
  { what: "string with apostrophe", value: str("it's"), new: '"it\'s"', old: '"it\'s"', json: '"it\'s"' },
  {
    what: "UTF-8 bytes",
    value: str("\xc3\x80b"),
    new: '"\\303\\200b"',
    old: '"\xc3\x80b"',
    json: '"\xc3\x80b"',
  },
  { what: "slash", value: str("/a/b"), new: '"/a/b"', old: '"/a/b"', json: '"/a/b"' },
  {
    what: "absTime",
    value: { type: "absTime", seconds: 1072915200, offset: 0 },
    new: 'absTime("2004-01-01T00:00:00-00:00")',
    old: 'absTime("2004-01-01T00:00:00-00:00")',
    json: '"\\/Expr(absTime(\\"2004-01-01T00:00:00-00:00\\"))\\/"',
  },
  {
    what: "absTime east",
    value: { type: "absTime", seconds: 1072915200, offset: 5400 },
    new: 'absTime("2004-01-01T01:30:00+01:30")',
    old: 'absTime("2004-01-01T01:30:00+01:30")',
    json: '"\\/Expr(absTime(\\"2004-01-01T01:30:00+01:30\\"))\\/"',
  },
  {
    what: "relTime 3661",
    value: { type: "relTime", seconds: 3661 },
    new: 'relTime("01:01:01")',
    old: 'relTime("01:01:01")',
    json: '"\\/Expr(relTime(\\"01:01:01\\"))\\/"',
  },
  {
    what: "relTime days",
    value: { type: "relTime", seconds: 93784.5 },
    new: 'relTime("1+02:03:4.5")',
    old: 'relTime("1+02:03:4.5")',
    json: '"\\/Expr(relTime(\\"1+02:03:4.5\\"))\\/"',
  },
  {
    what: "relTime 0",
    value: { type: "relTime", seconds: 0 },
    new: 'relTime("00")',
    old: 'relTime("00")',
    json: '"\\/Expr(relTime(\\"00\\"))\\/"',
  },
  {
    what: "relTime negative",
    value: { type: "relTime", seconds: -61 },
    new: 'relTime("-01:01")',
    old: 'relTime("-01:01")',
    json: '"\\/Expr(relTime(\\"-01:01\\"))\\/"',
  },
];

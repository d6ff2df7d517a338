/**
 * Inputs that must fail to parse, with where (1-based column) and a fragment of the message.
 */
export interface ErrorCase {
  input: string;
  column: number;
  line?: number;
  message: string;
  offendingText?: string;
  oldSemantics?: boolean;
}

export const errorCases: ErrorCase[] = [
  // A time literal whose text is not a time fails the parse (libclassad: MakeAbsTime gives null).
  { input: 'absTime("not a time")', column: 1, message: "invalid absTime() literal" },
  { input: 'x + relTime("bogus")', column: 5, message: "invalid relTime() literal" },
  { input: 'relTime("+1d")', column: 1, message: "invalid relTime() literal" },
  // A record may not define an empty name (libclassad's Insert refuses it).
  { input: "[ x = 1; '' = 2 ]", column: 10, message: "an attribute name may not be empty" },
  { input: "1 + 3 + ;", column: 9, message: "unexpected ';'", offendingText: ";" },
  { input: "", column: 1, message: "unexpected end of input" },
  { input: "1 +", column: 4, message: "unexpected end of input" },
  { input: "(1", column: 3, message: "expected ')'" },
  { input: "1)", column: 2, message: "expected end of input", offendingText: ")" },
  { input: "{1, 2, }", column: 8, message: "unexpected '}'" },
  { input: "{1 2}", column: 4, message: "unexpected '2'" },
  { input: "f(1,)", column: 5, message: "unexpected ')'" },
  { input: "f(1; 2)", column: 4, message: "unexpected ';'" },
  { input: "f(1;;2)", column: 5, message: "unexpected ';'", oldSemantics: true },
  { input: "[a = 1 b = 2]", column: 8, message: "unexpected 'b'" },
  { input: "[a]", column: 3, message: "expected '='" },
  { input: "[true = 1]", column: 2, message: "unexpected 'true'" },
  { input: "[1 = 1]", column: 2, message: "unexpected '1'" },
  { input: "[a = ]", column: 6, message: "unexpected ']'" },
  { input: "[a = 1", column: 7, message: "unexpected end of input" },
  { input: "a ? b", column: 6, message: "expected ':'" },
  { input: "a ? b :", column: 8, message: "unexpected end of input" },
  { input: "a.", column: 3, message: "unexpected end of input" },
  { input: "a.1", column: 2, message: "unexpected '.1'" },
  { input: "a.true", column: 3, message: "unexpected 'true'" },
  { input: "3.a", column: 1, message: "digit must follow" },
  { input: "a[1", column: 4, message: "expected ']'" },
  { input: "a ?: -b", column: 6, message: "unexpected '-'" },
  { input: "* 2", column: 1, message: "unexpected '*'" },
  { input: "a b", column: 3, message: "expected end of input" },
  { input: "x = 1", column: 3, message: "expected end of input" },
  { input: "1 +\n  * 2", line: 2, column: 3, message: "unexpected '*'" },
  { input: '"abc', column: 1, message: "unterminated string literal" },
  { input: "'abc", column: 1, message: "unterminated quoted name" },
  { input: '"a\\0b"', column: 3, message: "NUL" },
  { input: "08", column: 1, message: "illegal octal", offendingText: "08" },
  { input: "x + 010", column: 5, message: "leading zero", oldSemantics: true, offendingText: "010" },
  { input: "1.e5", column: 1, message: "digit must follow" },
  { input: "0.5e", column: 1, message: "exponent" },
  { input: "a =? b", column: 3, message: "'=?' must be followed by '='" },
  { input: "a \\ b", column: 3, message: "unexpected character '\\'", offendingText: "\\" },
  { input: "a /* b", column: 3, message: "unterminated comment" },
  { input: "1 + # 2", column: 5, message: "unexpected character '#'" },
  { input: "a := 1", column: 3, message: "unexpected ':' after a complete expression" },
];

import { describe, expect, it } from "vitest";
import { formatGeneral, formatRealNew, formatRealOld } from "../../src/classad/number-format.js";

describe("C number formats", () => {
  it("rounds exact ties half to even in %1.15E, as glibc does", () => {
    // -291.92926025390625 is exactly representable; its 16th digit is followed by exactly 5.
    expect(formatRealNew(-291.92926025390625)).toBe("-2.919292602539062E+02");
    expect(formatRealNew(1.5)).toBe("1.500000000000000E+00");
  });

  it("rounds exact ties half to even in %.16G", () => {
    expect(formatRealOld(-291.92926025390625)).toBe("-291.9292602539062");
    expect(formatRealOld(0.5)).toBe("0.5");
  });

  it("lays out %G in fixed or exponent form by the exponent, stripping zeros", () => {
    expect(formatGeneral(0.000123, 6, false)).toBe("0.000123");
    expect(formatGeneral(0.0000123, 6, false)).toBe("1.23e-05");
    expect(formatGeneral(1234567, 6, false)).toBe("1.23457e+06");
    expect(formatGeneral(100, 6, false)).toBe("100");
    expect(formatGeneral(-2.5, 6, true)).toBe("-2.5");
  });

  it("keeps the old form's .0 on integral reals and its exponent layout", () => {
    expect(formatRealOld(3)).toBe("3.0");
    expect(formatRealOld(2.5e15)).toBe("2500000000000000.0");
    expect(formatRealOld(1e20)).toBe("1E+20");
    expect(formatRealOld(1e-5)).toBe("1E-05");
    expect(formatRealOld(123456789.12345679)).toBe("123456789.1234568");
  });
});

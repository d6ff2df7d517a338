import { ANNEX_NAME_FORM, isAnnexName } from "../../annex/naming.js";
import type { ArgumentReader } from "./arguments.js";

/** Reads an annex `Name` (a DNS label), reporting a malformed one with the expected form. */
export function readAnnexName(reader: ArgumentReader, required: boolean): string | undefined {
  const name = reader.string("Name", { required, form: ANNEX_NAME_FORM });
  if (name !== undefined && !isAnnexName(name)) {
    reader.problem("Name", `expected ${ANNEX_NAME_FORM}, got ${JSON.stringify(name)}`);
    return undefined;
  }
  return name;
}

/** Reads the optional `Region` argument (a region name such as "us-east-1"). */
export function readRegion(reader: ArgumentReader): string | undefined {
  return reader.string("Region", { form: 'a region name such as "us-east-1"' });
}

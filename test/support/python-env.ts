/**
 * The pinned Python environment of the end-to-end harness. The implementation lives in
 * src/emulator/python-env.ts because `condor-annex demo` needs it at run time; tests keep
 * importing it from here.
 */
export * from "../../src/emulator/python-env.js";

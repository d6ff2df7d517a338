/**
 * Starting and driving the emulator process (moto 5.2.1 + emulator/annex_moto) from Node. The
 * implementation lives in src/emulator/process.ts because `condor-annex demo` starts the
 * emulator at run time; tests and `npm run emulator` keep importing it from here.
 */
export * from "../../src/emulator/process.js";

/**
 * Writes the ClassAd grammar as railroad diagrams to docs/grammar.html (chevrotain's
 * syntax-diagram generator). Run: npm run grammar:diagram
 */
import { writeFileSync } from "node:fs";
import { createSyntaxDiagramsCode } from "chevrotain";
import { ClassAdParser } from "../grammar/parser.js";

const grammar = new ClassAdParser();
const html = createSyntaxDiagramsCode(grammar.getSerializedGastProductions());
const out = "docs/grammar.html";
writeFileSync(out, html);
process.stdout.write(`wrote ${out} (${html.length} bytes)\n`);

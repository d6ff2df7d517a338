// The C++ anchor of `npm run bench:classad`: HTCondor's own libclassad (Debian's condor-dev
// headers and library, built and run inside the test bed's Debian root) parsing the same corpus
// as our parser, one unit per line, timed here so process start and file reading are not counted.
//
//   libclassad-anchor new  FILE RUNS   one new-syntax ad per line: ClassAdParser::ParseClassAd
//   libclassad-anchor old  FILE RUNS   long form (condor_q -long), ads separated by blank lines:
//                                      ClassAd::Insert("Name = value") per line, as HTCondor's
//                                      tools read it (old syntax, expression cache on)
//   libclassad-anchor expr FILE RUNS   one new-syntax expression per line: ParseExpression
//
// Prints one line: {"mode":…,"version":…,"units":N,"bytes":N,"bestMs":X,"failures":N}. Every unit parsed is
// checked (a parse failure is counted, never skipped silently) and every result freed, so the
// timed loop is a full parse-and-discard cycle, like the JavaScript side's.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "classad/classad_distribution.h"

namespace {

std::vector<std::string> readLines(const char* path, std::size_t& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  bytes = text.size();
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.emplace_back(text, start, end - start);
    start = end + 1;
  }
  return lines;
}

// One timed pass; returns units parsed and counts failures.
long passNew(const std::vector<std::string>& lines, long& failures) {
  classad::ClassAdParser parser;
  long units = 0;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    classad::ClassAd ad;
    if (!parser.ParseClassAd(line, ad, true)) failures++;
    units++;
  }
  return units;
}

long passOld(const std::vector<std::string>& lines, long& failures) {
  long units = 0;
  classad::ClassAd* ad = new classad::ClassAd();
  bool open = false;
  for (const std::string& line : lines) {
    if (line.empty()) {
      if (open) units++;
      delete ad;
      ad = new classad::ClassAd();
      open = false;
      continue;
    }
    if (!ad->Insert(line)) failures++;
    open = true;
  }
  if (open) units++;
  delete ad;
  return units;
}

long passExpr(const std::vector<std::string>& lines, long& failures) {
  classad::ClassAdParser parser;
  long units = 0;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    classad::ExprTree* tree = parser.ParseExpression(line, true);
    if (tree == nullptr) failures++;
    delete tree;
    units++;
  }
  return units;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s new|old|expr FILE RUNS\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const int runs = std::atoi(argv[3]);
  long (*pass)(const std::vector<std::string>&, long&) = nullptr;
  if (mode == "new") pass = passNew;
  if (mode == "old") pass = passOld;
  if (mode == "expr") pass = passExpr;
  if (pass == nullptr || runs < 1) {
    std::fprintf(stderr, "unknown mode %s or bad run count\n", argv[1]);
    return 2;
  }
  // HTCondor's tools and daemons run with old semantics and the expression cache on.
  classad::SetOldClassAdSemantics(true);
  classad::ClassAdSetExpressionCaching(true);

  std::size_t bytes = 0;
  const std::vector<std::string> lines = readLines(argv[2], bytes);
  double bestMs = 1e300;
  long units = 0;
  long failures = 0;
  for (int run = 0; run < runs; run++) {
    long runFailures = 0;
    const auto t0 = std::chrono::steady_clock::now();
    units = pass(lines, runFailures);
    const auto t1 = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    if (ms < bestMs) bestMs = ms;
    failures = runFailures;
  }
  std::string version;
  classad::ClassAdLibraryVersion(version);
  std::printf("{\"mode\":\"%s\",\"version\":\"%s\",\"units\":%ld,\"bytes\":%zu,\"bestMs\":%.3f,\"failures\":%ld}\n",
              mode.c_str(), version.c_str(), units, bytes, bestMs, failures);
  return 0;
}

"""Batch oracle for the ClassAd differential tests: HTCondor's own libclassad via classad2.

Protocol (one request per line on stdin, exactly one answer line per request on stdout):
  S<TAB>ad           set the scope ad (new syntax) for the following E requests
  T<TAB>ad           set the target ad of the following E requests (empty: none)
  E<TAB>expr         evaluate expr in the scope ad; answer its value printed in new syntax
                     (libclassad's unparser), or PARSE_ERROR / EVAL_FAIL
  M<TAB>adA<TAB>adB  symmetric match of two ads; answer true / false (PARSE_ERROR if unparsable)
  P<TAB>path<TAB>n   parse the file's ads (old/long format) n times; answer elapsed seconds
  C<TAB>path<TAB>k   like P, once, but the text is first split (untimed) into chunks of k ads, so
                     classad2.parseAds's superlinear cost on one huge string does not count
  Q<TAB>path<TAB>n   symmetric-match every job ad of path against every machine ad, n times;
                     answer "<seconds> <matches>"
Lines are UTF-8; strings are passed through unchanged.
"""

import sys
import time

import htcondor2  # noqa: F401  (registers the HTCondor-only ClassAd functions)
import classad2


def main():
    scope = classad2.ClassAd()
    target = None
    out = sys.stdout
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        kind, _, rest = line.partition("\t")
        try:
            if kind == "S":
                scope = classad2.ClassAd(rest)
                answer = "ok"
            elif kind == "T":
                target = classad2.ClassAd(rest) if rest.strip() else None
                answer = "ok"
            elif kind == "E":
                try:
                    tree = classad2.ExprTree(rest)
                except Exception:
                    answer = "PARSE_ERROR"
                else:
                    try:
                        answer = repr(tree.simplify(scope, target) if target is not None else tree.simplify(scope))
                    except Exception:
                        answer = "EVAL_FAIL"
            elif kind == "M":
                left, _, right = rest.partition("\t")
                try:
                    a = classad2.ClassAd(left)
                    b = classad2.ClassAd(right)
                except Exception:
                    answer = "PARSE_ERROR"
                else:
                    answer = "true" if a.symmetricMatch(b) else "false"
            elif kind == "P":
                path, _, count = rest.partition("\t")
                with open(path, encoding="utf-8", errors="surrogateescape") as f:
                    text = f.read()
                start = time.perf_counter()
                for _ in range(int(count)):
                    for _ad in classad2.parseAds(text, classad2.ParserType.Old):
                        pass
                answer = repr(time.perf_counter() - start)
            elif kind == "C":
                path, _, size = rest.partition("\t")
                with open(path, encoding="utf-8", errors="surrogateescape") as f:
                    ads_text = [a for a in f.read().split("\n\n") if a.strip()]
                k = int(size)
                chunks = ["\n\n".join(ads_text[i : i + k]) + "\n" for i in range(0, len(ads_text), k)]
                start = time.perf_counter()
                for chunk in chunks:
                    for _ad in classad2.parseAds(chunk, classad2.ParserType.Old):
                        pass
                answer = repr(time.perf_counter() - start)
            elif kind == "Q":
                path, _, count = rest.partition("\t")
                with open(path, encoding="utf-8", errors="surrogateescape") as f:
                    ads = list(classad2.parseAds(f.read(), classad2.ParserType.Old))
                jobs = [ad for ad in ads if ad.get("MyType") == "Job"]
                machines = [ad for ad in ads if ad.get("MyType") == "Machine"]
                start = time.perf_counter()
                hits = 0
                for _ in range(int(count)):
                    for job in jobs:
                        for machine in machines:
                            if job.symmetricMatch(machine):
                                hits += 1
                answer = f"{time.perf_counter() - start!r} {hits}"
            else:
                answer = "BAD_REQUEST"
        except Exception as error:  # never let one request kill the batch
            answer = "ORACLE_ERROR " + str(error).replace("\n", " ")
        out.write(answer + "\n")
        out.flush()


if __name__ == "__main__":
    main()

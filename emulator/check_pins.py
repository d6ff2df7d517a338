"""Report whether this interpreter has every `name==version` pin of a requirements file.

Usage: python3 emulator/check_pins.py emulator/requirements.txt
Prints one JSON object: {"ok": bool, "python": sys.executable, "mismatches": [...]}.
Exit status 0 when every pin is installed at exactly its version, 1 otherwise.
"""

import json
import re
import sys
from importlib import metadata

PIN = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;#]+)")


def main(path: str) -> int:
    mismatches = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            match = PIN.match(line)
            if match is None:
                mismatches.append(f"unpinned requirement line: {line!r}")
                continue
            name, _extras, wanted = match.groups()
            try:
                found = metadata.version(name)
            except metadata.PackageNotFoundError:
                mismatches.append(f"{name}: missing (want {wanted})")
                continue
            if found != wanted:
                mismatches.append(f"{name}: {found} installed, want {wanted}")
    print(json.dumps({"ok": not mismatches, "python": sys.executable, "mismatches": mismatches}))
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

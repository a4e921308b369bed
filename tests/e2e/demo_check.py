#!/usr/bin/python3
"""demo_check.py: the oracle for tests/e2e/demo.sh.

  demo_check.py receipts DEMO.json DIR
      DEMO.json is `backbone --json demo` output, DIR the generated files.
      Every file's receipt must agree with DIR/truth.csv: rows read = rows
      written, rows accepted = truth rows not invalid on purpose, and the
      rows with errors are exactly the rows made invalid on purpose.
  demo_check.py truth DIR
      truth.csv is well formed: every person exists in people.csv, rows of
      each file are numbered 2, 3, ... and match the manifest's counts.
  demo_check.py xlsx FILE SHEET
      the workbook holds real date cells and "Last, First" names (openpyxl).

Prints one summary line; exits 1 with the differences on a mismatch.
"""
import csv
import json
import sys
from collections import defaultdict


def truth_rows(d):
    with open(d + "/truth.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def receipts(demo_json, d):
    rec = json.load(open(demo_json))
    valid, invalid, written = defaultdict(int), defaultdict(set), defaultdict(int)
    for r in truth_rows(d):
        written[r["file"]] += 1
        if r["invalid"]:
            invalid[r["file"]].add(int(r["row"]))
        else:
            valid[r["file"]] += 1
    bad = 0
    for f in rec["files"]:
        fn = f["file"]
        errs = {p["row"] for p in f["problems"] if p["severity"] == "error" and "row" in p}
        whole = [p for p in f["problems"] if p["severity"] == "error" and "row" not in p]
        if (f["rows"]["read"] != written[fn] or f["rows"]["accepted"] != valid[fn]
                or errs != invalid[fn] or whole or f["outcome"] == "refused"):
            bad += 1
            print("mismatch", fn, f["outcome"], f["rows"], "truth: written",
                  written[fn], "valid", valid[fn], "invalid rows", sorted(invalid[fn]),
                  "error rows", sorted(errs), file=sys.stderr)
            for p in f["problems"]:
                if p.get("row") not in invalid[fn]:
                    print("   ", p, file=sys.stderr)
    if len(rec["files"]) != len(written):
        print("files submitted", len(rec["files"]), "files in truth", len(written),
              file=sys.stderr)
        bad += 1
    nrows = sum(written.values())
    ninvalid = sum(len(v) for v in invalid.values())
    print("checked %d files, %d rows, %d invalid on purpose, %d mismatches"
          % (len(rec["files"]), nrows, ninvalid, bad))
    return bad == 0


def truth(d):
    people = set()
    with open(d + "/people.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            people.add(r["person_id"])
    manifest = json.load(open(d + "/manifest.json"))
    rows = defaultdict(list)
    ok = True
    for r in truth_rows(d):
        rows[r["file"]].append(int(r["row"]))
        if r["person_id"] and r["person_id"] not in people:
            print("unknown person", r["person_id"], file=sys.stderr)
            ok = False
    for m in manifest["files"]:
        got = rows.get(m["file"], [])
        if got != list(range(2, m["rows"] + 2)):
            print("rows of", m["file"], "are not 2..%d" % (m["rows"] + 1), file=sys.stderr)
            ok = False
    print("%d people, %d files, %d truth rows" % (len(people), len(manifest["files"]),
                                                  sum(len(v) for v in rows.values())))
    return ok


def xlsx(path, sheet):
    import datetime
    import openpyxl
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    head = [c.value for c in ws[1]]
    reg = head.index("Registered")
    name = head.index("Patron Name")
    dates = names = 0
    for row in ws.iter_rows(min_row=2):
        c = row[reg]
        if not isinstance(c.value, datetime.datetime) or not c.is_date:
            print("not a date cell:", c.coordinate, repr(c.value), file=sys.stderr)
            return False
        dates += 1
        if ", " in str(row[name].value):
            names += 1
    print("%d date cells, %d names as Last, First" % (dates, names))
    return dates > 0 and names == dates


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "receipts":
        ok = receipts(sys.argv[2], sys.argv[3])
    elif cmd == "truth":
        ok = truth(sys.argv[2])
    elif cmd == "xlsx":
        ok = xlsx(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown command " + cmd)
    sys.exit(0 if ok else 1)

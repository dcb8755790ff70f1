#!/usr/bin/env python3
"""Writes N valid member rows as the CSV `POST /v1/imports` takes (the columns of
`POST /v1/members`), for the import benchmark. Deterministic: the same N gives the same file.
NIKs are unique (district and serial count up over the districts of eight Jawa Timur
regencies in the shipped region list, 188 x 9,999 of them), their birth dates and sexes agree
with the rows, and each row lives in its NIK's regency: rows are valid and carry no warnings.

usage: import_csv.py N OUT.csv
"""
import csv, os, random, sys

def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    regions = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "migrations", "data", "regions.csv")
    regencies = ("3507", "3573", "3578", "3515", "3525", "3509", "3510", "3524")
    with open(regions, newline="") as f:
        districts = [r["code"] for r in csv.DictReader(f) if r["level"] == "district" and r["parent_code"] in regencies]
    if n > len(districts) * 9999:
        sys.exit(f"at most {len(districts) * 9999} unique rows")
    rng = random.Random(2026)
    names = ["Siti", "Agus", "Dewi", "Budi", "Rina", "Eko", "Putri", "Joko", "Aminah", "Hasan"]
    surnames = ["Santoso", "Wijaya", "Hidayat", "Nasution", "Rahmawati", "Saputra"]
    segments = ["PBI_APBN", "PBI_APBD", "BP", "PBPU"]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["nik", "full_name", "birth_date", "sex", "family_card_no", "relationship",
                    "segment", "class", "region_code", "address", "phone"])
        for i in range(n):
            family, member = divmod(i, 4)
            district = districts[(i // 9999) % len(districts)]
            serial = 1 + i % 9999
            segment = segments[family % len(segments)]
            klass = 3 if segment.startswith("PBI") else 1 + family % 3
            year, month, day = 1950 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)
            female = rng.randrange(2) == 0
            nik = f"{district}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"
            card = f"{district[:4]}01{family:010d}"
            w.writerow([nik, f"{names[rng.randrange(10)]} {surnames[rng.randrange(6)]}",
                        f"{year:04d}-{month:02d}-{day:02d}", "F" if female else "M", card,
                        ["head", "spouse", "child", "child"][member], segment, klass, district[:4],
                        f"Jl. Contoh {family}", f"08{rng.randrange(10**10):010d}" if rng.randrange(2) else ""])

main()

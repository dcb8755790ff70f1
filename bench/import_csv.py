#!/usr/bin/env python3
"""Writes N valid member rows as the CSV `POST /v1/imports` takes (the columns of
`POST /v1/members`), for the import benchmark. Deterministic: the same N gives the same file.
NIKs are unique (district and serial count up), birth dates and sexes agree with them, and
every region is a Jawa Timur regency of the shipped region list.

usage: import_csv.py N OUT.csv [--offset K]   (K shifts the numbering, for a second file)
"""
import csv, random, sys

def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    offset = int(sys.argv[sys.argv.index("--offset") + 1]) if "--offset" in sys.argv else 0
    rng = random.Random(2026 + offset)
    regencies = ["3507", "3573", "3578", "3515", "3525", "3509", "3510", "3524"]
    names = ["Siti", "Agus", "Dewi", "Budi", "Rina", "Eko", "Putri", "Joko", "Aminah", "Hasan"]
    surnames = ["Santoso", "Wijaya", "Hidayat", "Nasution", "Rahmawati", "Saputra"]
    segments = ["PBI_APBN", "PBI_APBD", "BP", "PBPU"]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["nik", "full_name", "birth_date", "sex", "family_card_no", "relationship",
                    "segment", "class", "region_code", "address", "phone"])
        for i in range(offset, offset + n):
            family, member = divmod(i, 4)
            regency = regencies[family % len(regencies)]
            segment = segments[family % len(segments)]
            klass = 3 if segment.startswith("PBI") else 1 + family % 3
            year, month, day = 1950 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)
            female = rng.randrange(2) == 0
            # district 01-99 and serial 0001-9999 from the row number: unique per row
            district, serial = 1 + (i // 9999) % 99, 1 + i % 9999
            shift = i // (9999 * 99)  # past 989,901 rows, move to the next regency
            reg = regencies[(family + shift) % len(regencies)] if shift else regency
            nik = f"{reg}{district:02d}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"
            card = f"{regency}01{family:010d}"
            rel = ["head", "spouse", "child", "child"][member]
            w.writerow([nik, f"{names[rng.randrange(10)]} {surnames[rng.randrange(6)]}",
                        f"{year:04d}-{month:02d}-{day:02d}", "F" if female else "M", card, rel,
                        segment, klass, regency, f"Jl. Contoh {family}",
                        f"08{rng.randrange(10**10):010d}" if rng.randrange(2) else ""])

main()

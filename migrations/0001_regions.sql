-- Kemendagri regions (province, regency/city, district, village) and their populations.
-- Codes are stored without dots: 35, 3507, 350701, 3507012001. The rows are loaded from
-- migrations/data/regions.csv on first start (see docs/regions.md).
CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'regency', 'district', 'village')),
    parent_code TEXT REFERENCES regions (code),
    -- 'kabupaten' or 'kota' for regencies; NULL otherwise.
    kind TEXT CHECK (kind IN ('kabupaten', 'kota'))
);
CREATE INDEX regions_parent ON regions (parent_code, code);
CREATE INDEX regions_level ON regions (level, code);

-- Populations by year: the coverage denominators. The latest year counts.
CREATE TABLE region_populations (
    region_code TEXT NOT NULL REFERENCES regions (code),
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    population INTEGER NOT NULL CHECK (population >= 0),
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (region_code, year)
);

-- PostgreSQL's form of ../0001_regions.sql (same tables, columns, keys and indexes; the schema
-- test compares the two). Kemendagri regions and their populations; codes without dots.
CREATE TABLE regions (
    code text PRIMARY KEY,
    name text NOT NULL,
    level text NOT NULL CHECK (level IN ('province', 'regency', 'district', 'village')),
    parent_code text REFERENCES regions (code),
    -- 'kabupaten' or 'kota' for regencies; NULL otherwise.
    kind text CHECK (kind IN ('kabupaten', 'kota'))
);
CREATE INDEX regions_parent ON regions (parent_code, code);
CREATE INDEX regions_level ON regions (level, code);

CREATE TABLE region_populations (
    region_code text NOT NULL REFERENCES regions (code),
    year bigint NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    population bigint NOT NULL CHECK (population >= 0),
    source text NOT NULL,
    updated_at text NOT NULL,
    PRIMARY KEY (region_code, year)
);

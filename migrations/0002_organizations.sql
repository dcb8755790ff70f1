-- Partner organizations and their tree: PCNU → LAZISNU, LKNU, MWCNU; Baznas province → regency.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN (
        'ormas', 'ormas_body', 'zakat_body', 'local_government', 'government_agency', 'pesantren',
        'bpjs_branch', 'employer_association', 'company', 'other')),
    parent_id INTEGER REFERENCES organizations (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    -- Bumped on every change; the ETag is derived from it.
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX organizations_parent ON organizations (parent_id);
CREATE INDEX organizations_region ON organizations (region_code);
CREATE INDEX organizations_kind ON organizations (kind);

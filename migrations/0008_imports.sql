-- Bulk imports of member lists (POST /v1/imports, sinergi import). A job's counters and its
-- resume point change in the same transaction as the members and errors of each batch, so a
-- job resumed after a crash continues where its last committed batch ended: each row once.
CREATE TABLE import_jobs (
    id INTEGER PRIMARY KEY,
    -- Registered_via of rows that name no organization; NULL for none.
    organization_id INTEGER REFERENCES organizations (id),
    -- The organization tree of the partner that sent the file (NULL: a key that sees all);
    -- rows are checked against it as POST /v1/members checks a partner's registrations.
    scope_organization_id INTEGER REFERENCES organizations (id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    -- Why a job failed: the file is not UTF-8, a quote is left open, the file is gone.
    failure TEXT,
    -- The upload, named within imports.directory.
    file_name TEXT NOT NULL,
    bytes_total INTEGER NOT NULL CHECK (bytes_total >= 0),
    -- Where the next row starts: a byte offset into the file and its line.
    resume_offset INTEGER NOT NULL DEFAULT 0,
    resume_line INTEGER NOT NULL DEFAULT 1,
    -- Data rows in the file, known once a first pass has read it through.
    rows_total INTEGER,
    rows_done INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    -- Rows accepted with at least one warning (a birth date that disagrees with the NIK).
    warnings INTEGER NOT NULL DEFAULT 0,
    api_key_id INTEGER REFERENCES api_keys (id),
    role TEXT NOT NULL,
    request_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT NOT NULL,
    CHECK (rows_done = accepted + rejected + duplicates),
    CHECK ((status = 'failed') = (failure IS NOT NULL))
);
CREATE INDEX import_jobs_unfinished ON import_jobs (id) WHERE status IN ('queued', 'running');
CREATE INDEX import_jobs_organization ON import_jobs (organization_id);

-- Refused rows: one line per problem, as POST /v1/members would have named it.
CREATE TABLE import_errors (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES import_jobs (id),
    -- 1 for the first row after the header; `line` is where it starts in the file.
    row_number INTEGER NOT NULL,
    line INTEGER NOT NULL,
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX import_errors_import ON import_errors (import_id, id);

-- The import that registered a member, if one did.
ALTER TABLE members ADD COLUMN import_id INTEGER REFERENCES import_jobs (id);

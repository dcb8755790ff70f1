-- The member registry (peserta JKN), the employers of PPU_BU members, and each member's history.

-- Employers (badan usaha) whose workers are PPU_BU members; compliance is registered ÷ reported.
CREATE TABLE employers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Nomor Induk Berusaha: 13 digits.
    nib TEXT NOT NULL UNIQUE CHECK (length(nib) = 13),
    region_code TEXT NOT NULL REFERENCES regions (code),
    reported_employees INTEGER NOT NULL CHECK (reported_employees >= 0),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX employers_region ON employers (region_code);

-- NIK and phone are stored only encrypted (AES-256-GCM); the NIK's blind index (HMAC-SHA256
-- under a derived key) serves exact lookup and uniqueness.
CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    nik_index BLOB NOT NULL UNIQUE,
    nik_sealed BLOB NOT NULL,
    -- Issued by BPJS: 13 digits, leading zeros kept; unknown at registration for many.
    card_no TEXT UNIQUE CHECK (card_no IS NULL OR length(card_no) = 13),
    full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    family_card_no TEXT NOT NULL CHECK (length(family_card_no) = 16),
    relationship TEXT NOT NULL CHECK (relationship IN ('head', 'spouse', 'child', 'other')),
    segment TEXT NOT NULL CHECK (segment IN ('PBI_APBN', 'PBI_APBD', 'PPU_PN', 'PPU_BU', 'PBPU', 'BP')),
    class INTEGER NOT NULL CHECK (class IN (1, 2, 3)),
    region_code TEXT NOT NULL REFERENCES regions (code),
    address TEXT,
    phone_sealed BLOB,
    -- The first-level facility (FKTP); a reference once the facility registry exists.
    facility_id INTEGER,
    employer_id INTEGER REFERENCES employers (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'inactive', 'deactivated')),
    status_reason TEXT,
    -- A pending member becomes active on this date without a payment (PBI registered by a
    -- local government: the first day of the next month).
    active_from TEXT,
    -- Dates from which the class and the facility may change again.
    class_since TEXT NOT NULL,
    facility_since TEXT,
    registered_at TEXT NOT NULL,
    -- registered_via: who brought the member in; reports and agreement targets count from it.
    registered_organization_id INTEGER REFERENCES organizations (id),
    registered_event_id INTEGER,
    registered_cadre_id INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (segment NOT IN ('PBI_APBN', 'PBI_APBD') OR class = 3),
    CHECK (segment <> 'PPU_BU' OR employer_id IS NOT NULL),
    CHECK ((status = 'deactivated') = (status_reason IS NOT NULL))
);
CREATE INDEX members_family ON members (family_card_no);
CREATE INDEX members_region ON members (region_code);
CREATE INDEX members_organization ON members (registered_organization_id);
CREATE INDEX members_event ON members (registered_event_id) WHERE registered_event_id IS NOT NULL;
CREATE INDEX members_employer ON members (employer_id) WHERE employer_id IS NOT NULL;

-- Every change of status, class or facility, with who and when.
CREATE TABLE member_history (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    field TEXT NOT NULL CHECK (field IN ('status', 'class', 'facility')),
    old_value TEXT,
    new_value TEXT,
    reason TEXT,
    api_key_id INTEGER,
    role TEXT NOT NULL,
    request_id TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX member_history_member ON member_history (member_id, id);

-- The facility registry: NU and pesantren health facilities, their path to a BPJS contract,
-- and BPJS's coaching visits with scores and follow-ups.

CREATE TABLE facilities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN (
        'clinic_primary', 'clinic_main', 'hospital', 'pesantren_health_post', 'doctor_practice', 'health_center')),
    -- FKTP, FKRTL, or a community health post that BPJS never contracts.
    level TEXT NOT NULL CHECK (level IN ('primary', 'referral', 'community')),
    owner_organization_id INTEGER REFERENCES organizations (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
    beds INTEGER CHECK (beds IS NULL OR beds >= 0),
    doctors INTEGER CHECK (doctors IS NULL OR doctors >= 0),
    -- Issued by BPJS once contracted.
    bpjs_code TEXT UNIQUE CHECK (bpjs_code IS NULL OR length(bpjs_code) BETWEEN 1 AND 32),
    accreditation_status TEXT CHECK (accreditation_status IS NULL OR accreditation_status IN ('paripurna', 'utama', 'madya', 'dasar')),
    accreditation_expires_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('prospect', 'applied', 'credentialing', 'contracted', 'suspended', 'terminated')),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((accreditation_status IS NULL) = (accreditation_expires_on IS NULL)),
    -- The kind decides the level (DOMAIN.md, Facilities).
    CHECK ((kind IN ('clinic_primary', 'doctor_practice', 'health_center') AND level = 'primary')
        OR (kind IN ('clinic_main', 'hospital') AND level = 'referral')
        OR (kind = 'pesantren_health_post' AND level = 'community')),
    CHECK (level <> 'community' OR status = 'prospect'),
    CHECK (status <> 'contracted' OR bpjs_code IS NOT NULL)
);
CREATE INDEX facilities_owner ON facilities (owner_organization_id);
CREATE INDEX facilities_region ON facilities (region_code);

-- Every move along the partnership pipeline, with its note, who and when.
CREATE TABLE facility_history (
    id INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    api_key_id INTEGER,
    role TEXT NOT NULL,
    request_id TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX facility_history_facility ON facility_history (facility_id, id);

-- A coaching visit (pembinaan) and its scores, one per area of the fixed set.
CREATE TABLE facility_visits (
    id INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    visited_on TEXT NOT NULL,
    officer TEXT NOT NULL CHECK (length(officer) BETWEEN 1 AND 200),
    findings TEXT NOT NULL CHECK (length(findings) <= 5000),
    api_key_id INTEGER,
    role TEXT NOT NULL,
    request_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX facility_visits_facility ON facility_visits (facility_id, visited_on, id);

CREATE TABLE visit_scores (
    visit_id INTEGER NOT NULL REFERENCES facility_visits (id),
    area TEXT NOT NULL CHECK (area IN (
        'contact_rate', 'referral_ratio', 'prolanis', 'staff', 'equipment', 'digital_services', 'complaints')),
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (visit_id, area)
);

-- What a visit asks the facility to do, by when; done once.
CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES facility_visits (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
    due_on TEXT NOT NULL,
    done_at TEXT,
    done_role TEXT,
    done_request_id TEXT
);
CREATE INDEX follow_ups_facility ON follow_ups (facility_id, id);

-- A facility counts the members whose first-level facility it is.
CREATE INDEX members_facility ON members (facility_id) WHERE facility_id IS NOT NULL;

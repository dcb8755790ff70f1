-- Contributions (iuran): the premium table and the rule values, both data with effective dates;
-- sharing schemes (Skema Sharing Iuran) with their funders and beneficiaries; billing runs,
-- invoices and their payments; and the ledger of premiums paid, one table for every source.
-- Money is integer rupiah; periods are 'YYYY-MM'. Every invariant that concurrency could break
-- is a constraint here: the quota, a funder's budget, one active scheme per member, no
-- overpayment, one billing run per scheme and period, a payment reference once.

-- Monthly premiums by segment and class from a date (Perpres 82/2018 as amended by 64/2020).
-- A fixed amount, of which `government_idr` is paid for the member by the state (PBPU class 3:
-- Rp 7,000 of Rp 42,000); or, for PPU, a rate of the wage counted up to a ceiling (from the
-- regional minimum wage), of which the employer pays `employer_rate_bp`.
CREATE TABLE premium_rates (
    id INTEGER PRIMARY KEY,
    segment TEXT NOT NULL CHECK (segment IN ('PBI_APBN', 'PBI_APBD', 'PPU_PN', 'PPU_BU', 'PBPU', 'BP')),
    class INTEGER NOT NULL CHECK (class IN (1, 2, 3)),
    effective_from TEXT NOT NULL CHECK (length(effective_from) = 10),
    amount_idr INTEGER CHECK (amount_idr IS NULL OR amount_idr > 0),
    government_idr INTEGER NOT NULL DEFAULT 0 CHECK (government_idr >= 0),
    wage_rate_bp INTEGER CHECK (wage_rate_bp IS NULL OR wage_rate_bp BETWEEN 1 AND 10000),
    employer_rate_bp INTEGER CHECK (employer_rate_bp IS NULL OR employer_rate_bp BETWEEN 0 AND 10000),
    wage_ceiling_idr INTEGER CHECK (wage_ceiling_idr IS NULL OR wage_ceiling_idr > 0),
    UNIQUE (segment, class, effective_from),
    CHECK ((amount_idr IS NULL) = (wage_rate_bp IS NOT NULL)),
    CHECK ((wage_rate_bp IS NULL) = (wage_ceiling_idr IS NULL) AND (wage_rate_bp IS NULL) = (employer_rate_bp IS NULL)),
    CHECK (amount_idr IS NULL OR government_idr <= amount_idr)
);
INSERT INTO premium_rates (segment, class, effective_from, amount_idr, government_idr, wage_rate_bp, employer_rate_bp, wage_ceiling_idr) VALUES
    ('PBI_APBN', 3, '2021-01-01', 42000, 42000, NULL, NULL, NULL),
    ('PBI_APBD', 3, '2021-01-01', 42000, 42000, NULL, NULL, NULL),
    ('PBPU', 1, '2021-01-01', 150000, 0, NULL, NULL, NULL),
    ('PBPU', 2, '2021-01-01', 100000, 0, NULL, NULL, NULL),
    ('PBPU', 3, '2021-01-01', 42000, 7000, NULL, NULL, NULL),
    ('BP', 1, '2021-01-01', 150000, 0, NULL, NULL, NULL),
    ('BP', 2, '2021-01-01', 100000, 0, NULL, NULL, NULL),
    ('BP', 3, '2021-01-01', 42000, 7000, NULL, NULL, NULL),
    ('PPU_PN', 1, '2021-01-01', NULL, 0, 500, 400, 12000000),
    ('PPU_PN', 2, '2021-01-01', NULL, 0, 500, 400, 12000000),
    ('PPU_BU', 1, '2021-01-01', NULL, 0, 500, 400, 12000000),
    ('PPU_BU', 2, '2021-01-01', NULL, 0, 500, 400, 12000000);

-- The rule values of premiums from a date: the due day of the month, the months of arrears
-- charged to reactivate, the service penalty (rate per month in arrears, its caps, the days
-- after reactivation it applies), and a new PBPU member's first-payment window in days.
CREATE TABLE contribution_rules (
    effective_from TEXT PRIMARY KEY CHECK (length(effective_from) = 10),
    due_day INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 28),
    arrears_cap_months INTEGER NOT NULL CHECK (arrears_cap_months > 0),
    penalty_rate_bp INTEGER NOT NULL CHECK (penalty_rate_bp >= 0),
    penalty_cap_months INTEGER NOT NULL CHECK (penalty_cap_months >= 0),
    penalty_cap_idr INTEGER NOT NULL CHECK (penalty_cap_idr >= 0),
    penalty_window_days INTEGER NOT NULL CHECK (penalty_window_days >= 0),
    first_payment_from_days INTEGER NOT NULL CHECK (first_payment_from_days >= 0),
    first_payment_until_days INTEGER NOT NULL CHECK (first_payment_until_days >= first_payment_from_days)
);
INSERT INTO contribution_rules VALUES ('2021-01-01', 10, 24, 500, 12, 30000000, 45, 14, 30);

-- A sharing scheme: funders share the premiums of up to `quota` beneficiaries in one class.
CREATE TABLE schemes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region_code TEXT NOT NULL REFERENCES regions (code),
    -- The MoU or PKS behind it, once the agreements registry exists.
    agreement_id INTEGER,
    class INTEGER NOT NULL CHECK (class IN (1, 2, 3)),
    starts_on TEXT NOT NULL,
    ends_on TEXT CHECK (ends_on IS NULL OR ends_on >= starts_on),
    quota INTEGER NOT NULL CHECK (quota > 0),
    -- Beneficiaries not removed, changed in the transaction that adds or removes them: the
    -- CHECK holds the quota when adds race.
    beneficiaries INTEGER NOT NULL DEFAULT 0 CHECK (beneficiaries BETWEEN 0 AND quota),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX schemes_region ON schemes (region_code);

-- The funders of a scheme in their fixed order (`position`, as the scheme named them), which
-- the rounding remainder follows. `billed_idr` grows with each billing run in the same
-- transaction; the CHECK refuses a run that would pass the budget.
CREATE TABLE scheme_funders (
    scheme_id INTEGER NOT NULL REFERENCES schemes (id),
    position INTEGER NOT NULL CHECK (position >= 0),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    share_bp INTEGER NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
    source TEXT NOT NULL CHECK (source IN ('participant', 'employer', 'central_government', 'local_government', 'philanthropy')),
    budget_idr INTEGER CHECK (budget_idr IS NULL OR budget_idr >= 0),
    billed_idr INTEGER NOT NULL DEFAULT 0 CHECK (budget_idr IS NULL OR billed_idr <= budget_idr),
    PRIMARY KEY (scheme_id, position),
    UNIQUE (scheme_id, organization_id)
);
CREATE INDEX scheme_funders_organization ON scheme_funders (organization_id);

-- A member's place in a scheme: billed from `from_period`; once removed, up to `until_period`.
CREATE TABLE scheme_beneficiaries (
    id INTEGER PRIMARY KEY,
    scheme_id INTEGER NOT NULL REFERENCES schemes (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    from_period TEXT NOT NULL CHECK (length(from_period) = 7),
    until_period TEXT CHECK (until_period IS NULL OR length(until_period) = 7),
    added_at TEXT NOT NULL,
    removed_at TEXT,
    CHECK ((removed_at IS NULL) = (until_period IS NULL))
);
-- At most one active scheme per member.
CREATE UNIQUE INDEX scheme_beneficiaries_active ON scheme_beneficiaries (member_id) WHERE removed_at IS NULL;
CREATE INDEX scheme_beneficiaries_scheme ON scheme_beneficiaries (scheme_id, id);

-- One billing run per scheme and period: the UNIQUE makes a repeated or concurrent run a no-op.
CREATE TABLE billing_runs (
    id INTEGER PRIMARY KEY,
    scheme_id INTEGER NOT NULL REFERENCES schemes (id),
    period TEXT NOT NULL CHECK (length(period) = 7),
    beneficiaries INTEGER NOT NULL CHECK (beneficiaries >= 0),
    total_idr INTEGER NOT NULL CHECK (total_idr >= 0),
    -- Set when every invoice of the run is paid, with the ledger entries of its beneficiaries.
    settled_at TEXT,
    api_key_id INTEGER,
    role TEXT NOT NULL,
    request_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (scheme_id, period)
);

-- One invoice per funder and run; `paid_idr` grows with payments and never passes the total.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    billing_run_id INTEGER NOT NULL REFERENCES billing_runs (id),
    scheme_id INTEGER NOT NULL REFERENCES schemes (id),
    period TEXT NOT NULL CHECK (length(period) = 7),
    position INTEGER NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    lines INTEGER NOT NULL CHECK (lines >= 0),
    total_idr INTEGER NOT NULL CHECK (total_idr >= 0),
    paid_idr INTEGER NOT NULL DEFAULT 0 CHECK (paid_idr >= 0 AND paid_idr <= total_idr),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (billing_run_id, position)
);
CREATE INDEX invoices_scheme ON invoices (scheme_id, period);
CREATE INDEX invoices_organization ON invoices (organization_id);

-- A funder's share of one beneficiary-month.
CREATE TABLE invoice_lines (
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    premium_idr INTEGER NOT NULL CHECK (premium_idr > 0),
    share_idr INTEGER NOT NULL CHECK (share_idr >= 0 AND share_idr <= premium_idr),
    PRIMARY KEY (invoice_id, member_id)
);

-- Money received on an invoice; a reference is recorded once per invoice.
CREATE TABLE invoice_payments (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    amount_idr INTEGER NOT NULL CHECK (amount_idr > 0),
    paid_on TEXT NOT NULL,
    reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    api_key_id INTEGER,
    role TEXT NOT NULL,
    request_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (invoice_id, reference)
);

-- The ledger: premiums paid for a member and period, by source. A member's own payment, the
-- state's top-up of it, and a settled scheme's shares are all rows here, so revenue by source
-- is one query. A reference is recorded once per member and source.
CREATE TABLE contributions (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    period TEXT NOT NULL CHECK (length(period) = 7),
    source TEXT NOT NULL CHECK (source IN ('participant', 'employer', 'central_government', 'local_government', 'philanthropy')),
    amount_idr INTEGER NOT NULL CHECK (amount_idr > 0),
    paid_on TEXT NOT NULL,
    reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 120),
    billing_run_id INTEGER REFERENCES billing_runs (id),
    api_key_id INTEGER,
    role TEXT NOT NULL,
    request_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (member_id, source, reference)
);
CREATE INDEX contributions_member_period ON contributions (member_id, period);
CREATE INDEX contributions_period ON contributions (period, source);

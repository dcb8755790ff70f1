-- API keys: `snrg_<key_id>_<secret>`. Only a SHA-256 of the secret is kept. Keys that may
-- sign requests the BPJS bridging way (X-Cons-Id/X-Signature) also keep the secret itself,
-- sealed with AES-256-GCM under the data key, because HMAC verification needs it.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE CHECK (length(key_id) = 8),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'partner', 'viewer')),
    organization_id INTEGER REFERENCES organizations (id),
    secret_sha256 BLOB NOT NULL CHECK (length(secret_sha256) = 32),
    sealed_secret BLOB,
    client_cert_sha256 TEXT CHECK (client_cert_sha256 IS NULL OR length(client_cert_sha256) = 64),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    -- A partner key is bound to exactly one organization; other roles to none.
    CHECK ((role = 'partner') = (organization_id IS NOT NULL))
);

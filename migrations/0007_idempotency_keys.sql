-- Idempotency-Key (API.md, retries): the first response to a POST, kept so that a retry with
-- the same key and body gets it again, from any process and after a restart. Keys belong to
-- the API key that sent them, so two callers never share one. Times are Unix seconds.
CREATE TABLE idempotency_keys (
    api_key_id INTEGER NOT NULL REFERENCES api_keys (id),
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of method, path, query and body: the same key with another request is refused.
    request_hash BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    status INTEGER CHECK (status BETWEEN 100 AND 599),
    -- "Name: value" lines of the stored response's own headers.
    headers TEXT,
    -- The response body, sealed under the data key: it can hold a NIK or a new API key.
    body_sealed BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, key),
    CHECK ((state = 'done') = (status IS NOT NULL))
);

-- Expired keys are deleted oldest first.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

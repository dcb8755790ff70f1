-- PostgreSQL's form of ../0007_idempotency_keys.sql.
CREATE TABLE idempotency_keys (
    api_key_id bigint NOT NULL REFERENCES api_keys (id),
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'done')),
    status bigint CHECK (status BETWEEN 100 AND 599),
    headers text,
    body_sealed bytea,
    created_at bigint NOT NULL,
    PRIMARY KEY (api_key_id, key),
    CHECK ((state = 'done') = (status IS NOT NULL))
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

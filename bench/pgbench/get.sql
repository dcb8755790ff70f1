-- What GET /v1/members/{id} sends PostgreSQL (captured with log_statement=all): the key, the
-- member, the audit record of the read; each its own autocommit statement.
\set id random(1, :members)
SELECT id, key_id, role, organization_id, secret_sha256, sealed_secret, client_cert_sha256
FROM api_keys WHERE key_id = :keyid AND revoked_at IS NULL;
SELECT id, nik_sealed, card_no, full_name, birth_date, sex, family_card_no, relationship, segment, class, region_code,
address, phone_sealed, facility_id, employer_id, status, active_from, status_reason, class_since, facility_since,
registered_at, registered_organization_id, registered_event_id, registered_cadre_id, version, created_at, updated_at
FROM members WHERE id = :id AND 1 = 1;
INSERT INTO audit_log (occurred_at, api_key_id, role, action, resource_type, resource_id, request_id)
VALUES ('2026-12-03T13:14:27Z', :apikeyid, 'officer', 'read', 'member', :id, 'pgbench');

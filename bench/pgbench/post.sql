-- What POST /v1/members sends PostgreSQL once its region codes are known (captured with
-- log_statement=all): the key, then one READ COMMITTED transaction with the lock on the family
-- card, the family-class check, the member and its audit record. The blind index and sealed NIK are random bytes, as unique
-- as sinergi's HMACs; the family card is random, as the bench's registrations are.
\set family random(1000000000000000, 9999999999999999)
SELECT id, key_id, role, organization_id, secret_sha256, sealed_secret, client_cert_sha256
FROM api_keys WHERE key_id = :keyid AND revoked_at IS NULL;
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended(:family, 0));
SELECT class FROM members
WHERE family_card_no = :family AND segment = 'PBPU' AND status <> 'deactivated' AND id <> 0 LIMIT 1;
INSERT INTO members (nik_index, nik_sealed, card_no, full_name, birth_date, sex, family_card_no, relationship,
    segment, class, region_code, address, phone_sealed, facility_id, employer_id, status, active_from,
    class_since, facility_since, registered_at, registered_organization_id, registered_event_id,
    registered_cadre_id, created_at, updated_at)
VALUES (sha256(gen_random_uuid()::text::bytea), sha256(gen_random_uuid()::text::bytea) || gen_random_uuid()::text::bytea,
    NULL, 'Siti Aminah', '1981-10-10', 'F', :family, 'head', 'PBPU', 3, '3507', NULL, NULL, NULL, NULL, 'pending', NULL,
    '2026-12-03', NULL, '2026-12-03', NULL, NULL, NULL, '2026-12-03T13:14:27Z', '2026-12-03T13:14:27Z')
ON CONFLICT DO NOTHING
RETURNING id;
INSERT INTO audit_log (occurred_at, api_key_id, role, action, resource_type, resource_id, request_id)
VALUES ('2026-12-03T13:14:27Z', :apikeyid, 'officer', 'create', 'member', :family, 'pgbench');
COMMIT;

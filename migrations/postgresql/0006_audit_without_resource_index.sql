-- PostgreSQL's form of ../0006_audit_without_resource_index.sql (the same statement).
-- Every audited read inserts one audit row. An index keyed by resource put each insert on a
-- random page of that index (the member ids read are random), so each batch of reads wrote as
-- many index pages as it had rows: measured on 1,000,000 members, GET /v1/members/{id} went
-- from about 20,000 to 17,000 requests/s with p99 from 7 to 11-19 ms as the index grew.
-- Filtering the audit log by resource (an admin's occasional question) now scans it newest
-- first, bounded by the page size and by from/to, which use audit_log_time.
DROP INDEX audit_log_resource;

-- The log is append-only: UPDATE, DELETE and TRUNCATE of events are refused for every role, the owner included
-- (the application's role has no such privilege in the first place). The one way out is the documented maintenance
-- setting, set for one transaction by the owner: SET LOCAL orderledger.maintenance = 'on' (docs/security.md).
CREATE OR REPLACE FUNCTION __schema__.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('orderledger.maintenance', true), '') = 'on' THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'the event log is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'History is never rewritten; for maintenance see docs/security.md (orderledger.maintenance).';
END;
$$;

DROP TRIGGER IF EXISTS events_append_only ON __schema__.events;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON __schema__.events
    FOR EACH ROW EXECUTE FUNCTION __schema__.refuse_event_change();

DROP TRIGGER IF EXISTS events_no_truncate ON __schema__.events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON __schema__.events
    FOR EACH STATEMENT EXECUTE FUNCTION __schema__.refuse_event_change();

-- Re-applied at every start (CREATE OR REPLACE), so function changes need no numbered migration.

-- Appends all events or none. Writers of one stream queue on a transaction-scoped advisory lock keyed by
-- the stream id (in memory, no WAL), so each reads the true last revision and none is lost. Errors
-- (nothing is written):
--   OL001 wrong expected revision (message ends with the actual revision, -1 = no stream)
--   OL003 an event id is already stored: the caller checks whether this is a retry of an earlier append.
CREATE OR REPLACE FUNCTION __schema__.append_events(
    p_stream text,
    p_expected bigint,          -- >= 0 exact revision; -1 no stream; -2 any; -4 stream exists
    p_ids uuid[],
    p_types text[],
    p_content_types text[],
    p_data bytea[],
    p_metadata bytea[])
RETURNS TABLE (last_revision bigint, commit_position bigint, prepare_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_count int := cardinality(p_ids);
    v_current bigint;
    v_tx bigint;
    v_inserted int;
    v_last_seq bigint;
BEGIN
    -- The class id 20300 keeps these locks apart from the application's other advisory locks.
    PERFORM pg_advisory_xact_lock(20300, hashtext(p_stream));
    -- The transaction id orders $all, so it is taken only once the stream is ours: taken before waiting, it could be
    -- older than the id of the writer we waited for, and our later revision would sort before its earlier one.
    v_tx := pg_current_xact_id()::text::bigint;
    SELECT coalesce(max(e.stream_revision), -1) INTO v_current FROM __schema__.events e WHERE e.stream_id = p_stream;

    IF NOT (p_expected = -2
            OR (p_expected = -1 AND v_current = -1)
            OR (p_expected = -4 AND v_current >= 0)
            OR p_expected = v_current) THEN
        RAISE EXCEPTION USING ERRCODE = 'OL001', MESSAGE = 'wrong expected revision, actual ' || v_current;
    END IF;

    WITH inserted AS (
        INSERT INTO __schema__.events (tx_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
        SELECT v_tx, p_stream, v_current + u.ord, u.id, u.t, u.ct, u.d, u.m
        FROM unnest(p_ids, p_types, p_content_types, p_data, p_metadata) WITH ORDINALITY AS u(id, t, ct, d, m, ord)
        ORDER BY u.ord
        ON CONFLICT (event_id) DO NOTHING
        RETURNING seq)
    SELECT count(*), max(seq) INTO v_inserted, v_last_seq FROM inserted;

    IF v_inserted <> v_count THEN
        RAISE EXCEPTION USING ERRCODE = 'OL003', MESSAGE = 'event id already stored';
    END IF;

    RETURN QUERY SELECT v_current + v_count, v_tx, v_last_seq;
END;
$$;

-- Where the events of an earlier append with these ids were stored, for recognising a retried append,
-- and the stream's current last revision (-1 = no stream).
DROP FUNCTION IF EXISTS __schema__.find_append(text, uuid[]);
CREATE FUNCTION __schema__.find_append(p_stream text, p_ids uuid[])
RETURNS TABLE (first_revision bigint, last_revision bigint, commit_position bigint, prepare_position bigint,
               matching int, found_in_stream text, current_revision bigint)
LANGUAGE sql STABLE AS $$
    WITH first AS (SELECT e.stream_id, e.stream_revision FROM __schema__.events e WHERE e.event_id = p_ids[1]),
    matched AS (
        SELECT e.stream_revision, e.tx_id, e.seq
        FROM unnest(p_ids) WITH ORDINALITY AS u(id, ord)
        JOIN first f ON true
        JOIN __schema__.events e ON e.stream_id = p_stream AND e.stream_revision = f.stream_revision + u.ord - 1 AND e.event_id = u.id)
    SELECT f.stream_revision,
           (SELECT max(m.stream_revision) FROM matched m),
           (SELECT m.tx_id FROM matched m ORDER BY m.stream_revision DESC LIMIT 1),
           (SELECT m.seq FROM matched m ORDER BY m.stream_revision DESC LIMIT 1),
           (SELECT count(*)::int FROM matched),
           f.stream_id,
           (SELECT coalesce(max(e.stream_revision), -1) FROM __schema__.events e WHERE e.stream_id = p_stream)
    FROM (SELECT 1) one LEFT JOIN first f ON true;
$$;

-- Appends the events of many streams in one transaction, all or none (docs/event-store.md, "Batches"): what
-- append_events does for one stream, for each part of the batch. p_streams and p_expected hold one entry per part
-- (encoded as for append_events); the event arrays are flat, each event naming its part (p_parts, 1-based) and its
-- place in that part (p_offsets, 1-based). Streams expecting "any" or "stream exists" are locked as append_events
-- locks them, in one order for every batch so two batches cannot deadlock; the transaction id is taken after the
-- locks for the same reason as there. Errors (nothing is written):
--   OL001 a part's expected revision does not hold (DETAIL: the part's index and the stream's actual revision)
--   23505 an event id already stored, or a revision a concurrent writer took after the check: a plain unique
--         violation rather than ON CONFLICT, whose speculative insertion made every row dearer (the caller explains it)
CREATE OR REPLACE FUNCTION __schema__.append_batch(
    p_streams text[],
    p_expected bigint[],
    p_parts int[],
    p_offsets int[],
    p_ids uuid[],
    p_types text[],
    p_content_types text[],
    p_data bytea[],
    p_metadata bytea[])
RETURNS TABLE (part_stream text, last_revision bigint, commit_position bigint, prepare_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_current bigint[];
    v_failed int;
    v_tx bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(20300, l.h)
    FROM (SELECT DISTINCT hashtext(x.s) AS h FROM unnest(p_streams, p_expected) AS x(s, e) WHERE x.e IN (-2, -4) ORDER BY 1) l;

    SELECT array_agg(c.current ORDER BY x.i) INTO v_current
    FROM unnest(p_streams) WITH ORDINALITY AS x(s, i)
    CROSS JOIN LATERAL (SELECT coalesce(max(e.stream_revision), -1) AS current FROM __schema__.events e WHERE e.stream_id = x.s) c;

    SELECT x.i INTO v_failed
    FROM unnest(p_expected, v_current) WITH ORDINALITY AS x(e, c, i)
    WHERE NOT (x.e = -2 OR (x.e = -1 AND x.c = -1) OR (x.e = -4 AND x.c >= 0) OR x.e = x.c)
    ORDER BY x.i LIMIT 1;
    IF v_failed IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'OL001', MESSAGE = 'wrong expected revision', DETAIL = v_failed || ' ' || v_current[v_failed];
    END IF;

    v_tx := pg_current_xact_id()::text::bigint;
    RETURN QUERY
    WITH inserted AS (
        INSERT INTO __schema__.events (tx_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
        SELECT v_tx, p_streams[u.part], v_current[u.part] + u.off, u.id, u.t, u.ct, u.d, u.m
        FROM unnest(p_parts, p_offsets, p_ids, p_types, p_content_types, p_data, p_metadata) WITH ORDINALITY AS u(part, off, id, t, ct, d, m, ord)
        ORDER BY u.ord
        RETURNING events.stream_id AS s, events.stream_revision AS r, events.seq AS q)
    SELECT i.s, max(i.r), v_tx, max(i.q) FROM inserted i GROUP BY i.s;
END;
$$;

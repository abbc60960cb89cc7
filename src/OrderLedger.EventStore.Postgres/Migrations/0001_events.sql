-- The event log. Global order is (tx_id, seq): the writing transaction's id, then the insert sequence.
-- Readers only see rows whose transaction id is below the oldest still-running transaction (the
-- snapshot's xmin), so no transaction can later commit an event that sorts before one already read.
CREATE TABLE IF NOT EXISTS __schema__.streams (
    stream_id text PRIMARY KEY,
    revision  bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS __schema__.events (
    tx_id           bigint      NOT NULL,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    stream_id       text        NOT NULL,
    stream_revision bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    content_type    text        NOT NULL,
    data            bytea       NOT NULL,
    metadata        bytea       NOT NULL,
    created         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tx_id, seq),
    UNIQUE (stream_id, stream_revision),
    UNIQUE (event_id)
);

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
    v_current bigint;
    v_count int := cardinality(p_ids);
    v_first_stream text;
    v_first_revision bigint;
    v_matching int;
    v_tx bigint;
BEGIN
    -- Serialise writers of one stream: the row lock is held until commit.
    INSERT INTO __schema__.streams (stream_id, revision) VALUES (p_stream, -1) ON CONFLICT (stream_id) DO NOTHING;
    SELECT s.revision INTO v_current FROM __schema__.streams s WHERE s.stream_id = p_stream FOR UPDATE;

    -- Idempotent retry: the same ids already stored at the place this append targets.
    SELECT e.stream_id, e.stream_revision INTO v_first_stream, v_first_revision
    FROM __schema__.events e WHERE e.event_id = p_ids[1];
    IF FOUND THEN
        IF v_first_stream <> p_stream THEN
            RAISE EXCEPTION USING ERRCODE = 'OL002', MESSAGE = 'duplicate event id ' || p_ids[1];
        END IF;
        SELECT count(*) INTO v_matching
        FROM unnest(p_ids) WITH ORDINALITY AS u(id, ord)
        JOIN __schema__.events e ON e.stream_id = p_stream AND e.stream_revision = v_first_revision + u.ord - 1 AND e.event_id = u.id;
        IF v_matching = v_count AND (p_expected IN (-2, -4)
                                     OR (p_expected = -1 AND v_first_revision = 0)
                                     OR p_expected = v_first_revision - 1) THEN
            RETURN QUERY
                SELECT e.stream_revision, e.tx_id, e.seq FROM __schema__.events e
                WHERE e.stream_id = p_stream AND e.stream_revision = v_first_revision + v_count - 1;
            RETURN;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'OL001', MESSAGE = 'wrong expected revision, actual ' || v_current;
    END IF;

    IF NOT (p_expected = -2
            OR (p_expected = -1 AND v_current = -1)
            OR (p_expected = -4 AND v_current >= 0)
            OR p_expected = v_current) THEN
        RAISE EXCEPTION USING ERRCODE = 'OL001', MESSAGE = 'wrong expected revision, actual ' || v_current;
    END IF;

    v_tx := pg_current_xact_id()::text::bigint;
    INSERT INTO __schema__.events (tx_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
    SELECT v_tx, p_stream, v_current + u.ord, u.id, u.t, u.ct, u.d, u.m
    FROM unnest(p_ids, p_types, p_content_types, p_data, p_metadata) WITH ORDINALITY AS u(id, t, ct, d, m, ord)
    ORDER BY u.ord;

    UPDATE __schema__.streams SET revision = v_current + v_count WHERE stream_id = p_stream;

    RETURN QUERY
        SELECT e.stream_revision, e.tx_id, e.seq FROM __schema__.events e
        WHERE e.stream_id = p_stream AND e.stream_revision = v_current + v_count;
END;
$$;

-- The event log. Global order is (tx_id, seq): the writing transaction's id, then the insert sequence.
-- Readers only see rows whose transaction id is below the oldest still-running transaction (the
-- snapshot's xmin), so no transaction can later commit an event that sorts before one already read.
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

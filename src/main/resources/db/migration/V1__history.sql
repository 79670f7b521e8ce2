-- Durable channel history (docs/architecture.md, "History"). Runs on H2 2.2 and PostgreSQL 15.

-- The fencing token of the member that numbers messages: a member that takes over increments it,
-- and every history write checks it in its own transaction, so a stale numbering member fails.
CREATE TABLE sb_sequencer (
    id       INT          NOT NULL PRIMARY KEY,
    token    BIGINT       NOT NULL,
    holder   VARCHAR(200),
    since_ms BIGINT       NOT NULL
);
INSERT INTO sb_sequencer (id, token, holder, since_ms) VALUES (1, 0, NULL, 0);

-- One row per channel that ever kept history: its epoch, and the highest seq pruning removed,
-- so numbering continues after its messages aged out.
CREATE TABLE sb_channel (
    channel    VARCHAR(512) NOT NULL PRIMARY KEY,
    epoch      BIGINT       NOT NULL,
    pruned_seq BIGINT       NOT NULL,
    created_ms BIGINT       NOT NULL
);

CREATE TABLE sb_message (
    channel           VARCHAR(512)     NOT NULL,
    seq               BIGINT           NOT NULL,
    epoch             BIGINT           NOT NULL,
    ts                BIGINT           NOT NULL,
    sender_connection VARCHAR(200)     NOT NULL,
    sender_name       VARCHAR(1000)    NOT NULL,
    pub_key           VARCHAR(200),
    data              VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (channel, seq)
);
-- a publication's idempotency key (client key or member reference) is stored once per channel
CREATE UNIQUE INDEX sb_message_pub_key ON sb_message (channel, pub_key);

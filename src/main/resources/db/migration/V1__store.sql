-- rnn-service's store on PostgreSQL: the same documents and tensor blobs as the file store, by collection and id.

-- JSON documents (model, dataset and job records), kept as the bytes the service wrote
CREATE TABLE documents (
    collection TEXT   NOT NULL,
    id         TEXT   NOT NULL,
    body       BYTEA  NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (collection, id)
);

-- tensor blobs (weights, dataset arrays, checkpoints) in the file store's checksummed format, cut in chunks so that
-- no single value approaches PostgreSQL's 1 GB limit; a blob is replaced as a whole in one transaction
CREATE TABLE blobs (
    collection TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    blob       TEXT    NOT NULL,
    chunk      INTEGER NOT NULL,
    data       BYTEA   NOT NULL,
    PRIMARY KEY (collection, id, blob, chunk)
);

-- the data format, as the file store's format.json: a newer format refuses an older service
CREATE TABLE store_format (
    version INTEGER NOT NULL
);
INSERT INTO store_format (version) VALUES (1);

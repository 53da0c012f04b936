-- The rules that must hold across replicas live here, not in any one replica's memory.

-- model names are unique (TF Serving and KServe address models by name): a document's name, where it has to be unique
ALTER TABLE documents ADD COLUMN name TEXT;
UPDATE documents SET name = convert_from(body, 'UTF8')::jsonb ->> 'name' WHERE collection = 'models';
CREATE UNIQUE INDEX documents_unique_name ON documents (collection, name) WHERE name IS NOT NULL;

-- the models and datasets each queued or running job uses, which cannot be deleted until the job ends
CREATE TABLE holds (
    holder     TEXT NOT NULL,
    collection TEXT NOT NULL,
    id         TEXT NOT NULL,
    PRIMARY KEY (holder, collection, id)
);
CREATE INDEX holds_entity ON holds (collection, id);

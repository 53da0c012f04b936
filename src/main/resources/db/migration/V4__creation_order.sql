-- Listings are paged by the database: each document's creation time (its created_at, or submitted_at for jobs),
-- so that a page is one indexed query, newest first, rather than every document read and sorted by a replica.
ALTER TABLE documents ADD COLUMN created_at TIMESTAMPTZ;
UPDATE documents SET created_at = (convert_from(body, 'UTF8')::jsonb ->> 'created_at')::timestamptz
    WHERE collection IN ('models', 'datasets');
UPDATE documents SET created_at = (convert_from(body, 'UTF8')::jsonb ->> 'submitted_at')::timestamptz
    WHERE collection IN ('jobs', 'tuning_jobs');
CREATE INDEX documents_newest_first ON documents (collection, created_at DESC NULLS LAST, id);

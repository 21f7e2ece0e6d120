-- A bulk import defers the full-text index work for the rows it updates, as it already did for the
-- rows it inserts (0001, search_index_deferral).
--
-- Why: every statement that writes to an FTS5 table flushes FTS5's pending entries to a new index
-- segment, so the per-row update trigger made one tiny segment per updated project and FTS5 spent
-- its time merging them: re-importing 100,000 projects with every row changed took 15 s, of which
-- 10 s went to that trigger (measured with sqlite3 3.40.1 by dropping it from a copy).
--
-- How: while search_index_deferral holds its row (only inside an import's own transaction), an
-- update of an indexed project records the values the index holds for it (OLD.*) here instead of
-- touching the index. Before the import commits it removes those entries from the index and adds
-- the new values in two statements, and empties this table. Other connections never see rows here.
CREATE TABLE search_index_stale_entry (
    project_id INTEGER PRIMARY KEY,     -- rowid in project_fts
    title TEXT,
    description TEXT,
    organization_name TEXT
) STRICT;

DROP TRIGGER project_fts_after_update;

CREATE TRIGGER project_fts_after_update AFTER UPDATE OF title, description, organization_name ON project
WHEN NOT EXISTS (SELECT 1 FROM search_index_deferral)
BEGIN
    INSERT INTO project_fts (project_fts, rowid, title, description, organization_name)
    VALUES ('delete', OLD.id, OLD.title, OLD.description, OLD.organization_name);
    INSERT INTO project_fts (rowid, title, description, organization_name)
    VALUES (NEW.id, NEW.title, NEW.description, NEW.organization_name);
END;

-- Rows inserted by the deferring import itself (id >= first_project_id) are not in the index yet and
-- are indexed with their final values at the end; OR IGNORE keeps the first OLD values, which are
-- the ones the index holds.
CREATE TRIGGER project_fts_after_update_deferred AFTER UPDATE OF title, description, organization_name ON project
WHEN OLD.id < (SELECT first_project_id FROM search_index_deferral)
BEGIN
    INSERT OR IGNORE INTO search_index_stale_entry (project_id, title, description, organization_name)
    VALUES (OLD.id, OLD.title, OLD.description, OLD.organization_name);
END;

-- Deleting projects, and reverting a batch, defer their full-text index work like an import does
-- (0001 for inserts, 0004 and 0007 for updates).
--
-- Why: the per-row delete and update triggers each write to FTS5 in their own statement, which
-- flushes a tiny index segment per row that FTS5 then spends its time merging. Reverting an import
-- that had changed 100,000 projects took 21.6 s; with this (and the recorded states decoded by one
-- parser) 11–12 s.
--
-- How: while search_index_deferral holds its row (only inside one transaction of an import, a
-- delete or a revert), deleting a project that the index holds records the values the index holds
-- for it (OLD.*) in search_index_stale_entry instead of touching the index. The pass before commit
-- removes every stale entry from the index and adds back the current values of those rows that
-- still exist, so a row deleted here simply drops out. OR IGNORE keeps the first OLD values, which
-- are the ones the index holds, when the same project was updated earlier in the transaction.
-- Rows inserted under the deferral itself (id >= first_project_id) are not in the index yet and
-- are not recorded.
--
-- A new row takes max(id) + 1, so once the highest rows are deleted here an insert can take an id
-- below first_project_id: one a row deleted here had (in search_index_stale_entry, so the pass
-- indexes the new row through it) or an older gap (not there: the insert trigger below indexes
-- such a row at once, rare enough that a segment per row does not matter, and its later updates
-- and deletes are then recorded like any indexed row's).
DROP TRIGGER project_fts_after_delete;

CREATE TRIGGER project_fts_after_delete AFTER DELETE ON project
WHEN NOT EXISTS (SELECT 1 FROM search_index_deferral)
BEGIN
    INSERT INTO project_fts (project_fts, rowid, title, description, organization_name)
    VALUES ('delete', OLD.id, OLD.title, OLD.description, OLD.organization_name);
END;

CREATE TRIGGER project_fts_after_delete_deferred AFTER DELETE ON project
WHEN OLD.id < (SELECT first_project_id FROM search_index_deferral)
BEGIN
    INSERT OR IGNORE INTO search_index_stale_entry (project_id, title, description, organization_name)
    VALUES (OLD.id, OLD.title, OLD.description, OLD.organization_name);
END;

CREATE TRIGGER project_fts_after_insert_deferred_below_first AFTER INSERT ON project
WHEN NEW.id < (SELECT first_project_id FROM search_index_deferral)
    AND NOT EXISTS (SELECT 1 FROM search_index_stale_entry WHERE project_id = NEW.id)
BEGIN
    INSERT INTO project_fts (rowid, title, description, organization_name)
    VALUES (NEW.id, NEW.title, NEW.description, NEW.organization_name);
END;

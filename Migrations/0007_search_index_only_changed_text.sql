-- Re-index a project only when its indexed text changed. An UPDATE that sets title, description and
-- organization_name to the values they already had (an import updating only a project's status or
-- links writes every column) left the index alone in effect but still cost a delete and an insert
-- in FTS5, or a stale entry during an import. `IS NOT` compares NULLs as values.
DROP TRIGGER project_fts_after_update;
DROP TRIGGER project_fts_after_update_deferred;

CREATE TRIGGER project_fts_after_update AFTER UPDATE OF title, description, organization_name ON project
WHEN NOT EXISTS (SELECT 1 FROM search_index_deferral)
    AND (OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description
         OR OLD.organization_name IS NOT NEW.organization_name)
BEGIN
    INSERT INTO project_fts (project_fts, rowid, title, description, organization_name)
    VALUES ('delete', OLD.id, OLD.title, OLD.description, OLD.organization_name);
    INSERT INTO project_fts (rowid, title, description, organization_name)
    VALUES (NEW.id, NEW.title, NEW.description, NEW.organization_name);
END;

CREATE TRIGGER project_fts_after_update_deferred AFTER UPDATE OF title, description, organization_name ON project
WHEN OLD.id < (SELECT first_project_id FROM search_index_deferral)
    AND (OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description
         OR OLD.organization_name IS NOT NEW.organization_name)
BEGIN
    INSERT OR IGNORE INTO search_index_stale_entry (project_id, title, description, organization_name)
    VALUES (OLD.id, OLD.title, OLD.description, OLD.organization_name);
END;

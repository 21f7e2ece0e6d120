-- Where a project's current values come from: with batch_id (the batch that last wrote the row),
-- the line of that batch's file. NULL for rows written otherwise (`imports revert`).
--
-- It also lets an import log its inserted rows in one statement before it commits instead of one
-- INSERT per row (measured 0.2 s of 3.1 s on 100,000 rows): the 'inserted' entries of project_change
-- take their line from here. Rows the import updated are still logged one by one, with their
-- previous state.
ALTER TABLE project ADD COLUMN source_line INTEGER;

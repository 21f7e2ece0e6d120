-- External ids fold typographic dashes to '-' from this version on (ExternalID.normalize): U+2010
-- hyphen, U+2011 non-breaking hyphen, U+2012 figure dash, U+2013 en dash, U+2014 em dash, U+2015
-- horizontal bar, U+2212 minus, U+FE58, U+FE63 and U+FF0D. Ids with invisible characters (BOM,
-- zero-width, bidi controls) are refused on import.
--
-- What happens to a database that already holds such ids:
-- - an id with a typographic dash whose folded spelling is free is renamed to it here, in the
--   project table and in the change log, so that importing the same file again updates the project
--   instead of creating a second one;
-- - when both spellings exist (or two spellings fold to one id), nothing is renamed: the projects
--   stay as they are and `stocktake check` lists them under lookalike_external_ids, for a person to
--   merge (delete one) or renumber;
-- - ids with invisible characters are left as they are and listed by `check` the same way.
--
-- Only ids holding one of the dashes are candidates (usually none), so this costs one scan.

CREATE TEMP TABLE external_id_fold (project_id INTEGER PRIMARY KEY, old_id TEXT NOT NULL, new_id TEXT NOT NULL COLLATE NOCASE);

INSERT INTO temp.external_id_fold (project_id, old_id, new_id)
SELECT id, external_id,
       replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(external_id,
           char(8208), '-'), char(8209), '-'), char(8210), '-'), char(8211), '-'), char(8212), '-'),
           char(8213), '-'), char(8722), '-'), char(65112), '-'), char(65123), '-'), char(65293), '-')
FROM project
WHERE external_id GLOB ('*[' || char(8208, 8209, 8210, 8211, 8212, 8213, 8722, 65112, 65123, 65293) || ']*');

-- Keep only renames that cannot collide: the new id is not taken, and no other candidate folds to it.
DELETE FROM temp.external_id_fold
WHERE EXISTS (SELECT 1 FROM project p WHERE p.external_id = external_id_fold.new_id)
   OR (SELECT count(*) FROM temp.external_id_fold f WHERE f.new_id = external_id_fold.new_id) > 1;

UPDATE project_change SET external_id = (SELECT new_id FROM temp.external_id_fold f WHERE f.old_id = project_change.external_id)
WHERE external_id IN (SELECT old_id FROM temp.external_id_fold);

UPDATE project SET external_id = (SELECT new_id FROM temp.external_id_fold f WHERE f.project_id = project.id)
WHERE id IN (SELECT project_id FROM temp.external_id_fold);

DROP TABLE temp.external_id_fold;

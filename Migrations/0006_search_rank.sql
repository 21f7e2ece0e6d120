-- The full-text index ranks by bm25 with title matches weighing most, then organization, then
-- description. Declared as the index's own rank function so that `ORDER BY project_fts.rank` lets
-- FTS5 sort the matches itself and the query stop after the page it needs: for a two-word search
-- over 100,000 projects this read 399 pages instead of 1,484 and ran in 4.7 ms instead of 6.1 ms
-- (sqlite3 3.40.1), because the project rows are joined for the page only.
INSERT INTO project_fts (project_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0, 2.0)');

-- stocktake schema, version 1.
-- Conventions: singular table names, `id INTEGER PRIMARY KEY`, STRICT tables, declared foreign keys,
-- a UNIQUE index behind every natural key. Reference data are loaded by 0002_reference_data.sql.

-- ---------------------------------------------------------------- reference data

CREATE TABLE region (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,                 -- AFR, AMS, ARB, ASP, CIS, EUR, INT
    name TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX region_code ON region(code);

CREATE TABLE region_alias (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES region(id),
    alias TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX region_alias_alias ON region_alias(alias);

CREATE TABLE country (
    id INTEGER PRIMARY KEY,
    iso2 TEXT NOT NULL,                 -- ISO 3166-1 alpha-2; XW is the INTERNATIONAL pseudo-country
    iso3 TEXT NOT NULL,
    m49 TEXT,                           -- ISO numeric / UN M49, 3 digits
    name TEXT NOT NULL,                 -- English short name (ISO)
    region_id INTEGER REFERENCES region(id),   -- ITU region; NULL for territories ITU does not list
    itu_member INTEGER NOT NULL DEFAULT 0 CHECK (itu_member IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX country_iso2 ON country(iso2);
CREATE UNIQUE INDEX country_iso3 ON country(iso3);
CREATE INDEX country_region ON country(region_id);

CREATE TABLE country_alias (
    id INTEGER PRIMARY KEY,
    country_id INTEGER NOT NULL REFERENCES country(id),
    alias TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX country_alias_alias ON country_alias(alias);

CREATE TABLE action_line (
    id INTEGER PRIMARY KEY,             -- also the display order: C1 … C6, C7, its 8 applications, C8 … C11
    code TEXT NOT NULL,                 -- C1 … C11, C7.e-government … C7.e-science
    parent_id INTEGER REFERENCES action_line(id),
    title TEXT NOT NULL,
    is_prize_category INTEGER NOT NULL CHECK (is_prize_category IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX action_line_code ON action_line(code);

CREATE TABLE action_line_alias (
    id INTEGER PRIMARY KEY,
    action_line_id INTEGER NOT NULL REFERENCES action_line(id),
    alias TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('older_title', 'alias'))
) STRICT;
CREATE UNIQUE INDEX action_line_alias_alias ON action_line_alias(alias);

CREATE TABLE sdg (
    id INTEGER PRIMARY KEY,             -- the goal number, 1 … 17
    short_title TEXT NOT NULL,
    title TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX sdg_short_title ON sdg(short_title);

CREATE TABLE gdc_objective (
    id INTEGER PRIMARY KEY,             -- the objective number, 1 … 5
    title TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX gdc_objective_title ON gdc_objective(title);

CREATE TABLE stakeholder_type (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,                 -- canonical lower-case form: government, private sector, …
    name TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX stakeholder_type_code ON stakeholder_type(code);

CREATE TABLE stakeholder_type_alias (
    id INTEGER PRIMARY KEY,
    stakeholder_type_id INTEGER NOT NULL REFERENCES stakeholder_type(id),
    alias TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX stakeholder_type_alias_alias ON stakeholder_type_alias(alias);

-- The WSIS–SDG matrix of the Action Line facilitators: empty until an official source is loaded.
CREATE TABLE wsis_sdg_link (
    id INTEGER PRIMARY KEY,
    action_line_id INTEGER NOT NULL REFERENCES action_line(id),
    sdg_id INTEGER NOT NULL REFERENCES sdg(id),
    target TEXT,                        -- e.g. 9.c; NULL when the link is to the goal as a whole
    source TEXT NOT NULL,
    rationale TEXT
) STRICT;
CREATE UNIQUE INDEX wsis_sdg_link_natural_key ON wsis_sdg_link(action_line_id, sdg_id, ifnull(target, ''), source);

-- ---------------------------------------------------------------- import batches

CREATE TABLE import_batch (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('projects', 'prizes', 'delete', 'revert')),
    file_name TEXT,
    sha256 TEXT,
    options TEXT NOT NULL DEFAULT '{}', -- JSON of the options that shaped the import
    started_at TEXT NOT NULL,
    finished_at TEXT,
    user TEXT,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    reverts_batch_id INTEGER REFERENCES import_batch(id),
    reverted_by_batch_id INTEGER REFERENCES import_batch(id)
) STRICT;

-- ---------------------------------------------------------------- projects

CREATE TABLE organization (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,                 -- the name as first seen
    normalized_key TEXT NOT NULL,       -- case-, space- and punctuation-folded name
    country_id INTEGER REFERENCES country(id)   -- first country of the project; NULL when none
) STRICT;
-- One organization per normalized name and country: each country's "Ministry of Education" stays its own.
CREATE UNIQUE INDEX organization_natural_key ON organization(normalized_key, ifnull(country_id, 0));

CREATE TABLE project (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL COLLATE NOCASE,   -- ids match case-insensitively; stored as first written
    title TEXT NOT NULL,
    description TEXT,
    organization_name TEXT,             -- exactly as given in the file
    organization_id INTEGER REFERENCES organization(id),
    stakeholder_type_id INTEGER REFERENCES stakeholder_type(id),
    coverage TEXT CHECK (coverage IN ('local', 'national', 'regional', 'international')),
    status TEXT CHECK (status IN ('planned', 'ongoing', 'completed')),
    start_date TEXT,                    -- YYYY-MM-DD, YYYY-MM or YYYY
    end_date TEXT,
    website TEXT,
    contact_email TEXT,
    partners TEXT,
    activity_type TEXT,
    submitted_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_batch_id INTEGER REFERENCES import_batch(id),
    batch_id INTEGER REFERENCES import_batch(id)   -- the batch that last wrote the row
) STRICT;
CREATE UNIQUE INDEX project_external_id ON project(external_id);
-- Deliberately no indexes on organization_id, batch_id or submitted_on: filters on them scan the
-- table (about 20 ms per 100,000 projects), while each index would cost every bulk import a
-- random-order insert per row. Filters by Action Line, SDG, country and GDC objective use the link
-- tables' indexes below.

CREATE TABLE project_action_line (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    action_line_id INTEGER NOT NULL REFERENCES action_line(id),
    PRIMARY KEY (project_id, action_line_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX project_action_line_by_action_line ON project_action_line(action_line_id, project_id);

CREATE TABLE project_sdg (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    sdg_id INTEGER NOT NULL REFERENCES sdg(id),
    PRIMARY KEY (project_id, sdg_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX project_sdg_by_sdg ON project_sdg(sdg_id, project_id);

CREATE TABLE project_country (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    country_id INTEGER NOT NULL REFERENCES country(id),
    position INTEGER NOT NULL,          -- order in the file; the first country identifies the organization
    PRIMARY KEY (project_id, country_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX project_country_by_country ON project_country(country_id, project_id);

CREATE TABLE project_gdc_objective (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    gdc_objective_id INTEGER NOT NULL REFERENCES gdc_objective(id),
    PRIMARY KEY (project_id, gdc_objective_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX project_gdc_objective_by_objective ON project_gdc_objective(gdc_objective_id, project_id);

-- What each batch did to each project, so `imports revert` can undo it and `export --since-batch`
-- can list deletions (tombstones). `before` is the project's canonical record (a CSV line in the
-- export's form) before the batch changed it; NULL when the batch inserted it. `line` is where the
-- row was in the imported file.
CREATE TABLE project_change (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES import_batch(id),
    external_id TEXT NOT NULL COLLATE NOCASE,
    change TEXT NOT NULL CHECK (change IN ('inserted', 'updated', 'deleted')),
    line INTEGER,
    before TEXT
) STRICT;
-- No index by external_id: revert finds later changes by scanning the (few) later batches, and a
-- second index would cost every bulk import a random-order insert per row.
CREATE UNIQUE INDEX project_change_natural_key ON project_change(batch_id, external_id);

-- ---------------------------------------------------------------- prizes

CREATE TABLE prize (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL CHECK (year BETWEEN 2012 AND 2100),
    action_line_id INTEGER NOT NULL REFERENCES action_line(id),   -- the prize category: a leaf Action Line
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    result TEXT NOT NULL CHECK (result IN ('winner', 'champion', 'nominee')),
    batch_id INTEGER REFERENCES import_batch(id)
) STRICT;
-- Several winners per year and category are allowed (2 in C5 in 2025): the key includes the project.
CREATE UNIQUE INDEX prize_natural_key ON prize(year, action_line_id, project_id);
CREATE INDEX prize_project ON prize(project_id);

CREATE TRIGGER prize_category_must_be_prize_category
BEFORE INSERT ON prize
WHEN (SELECT is_prize_category FROM action_line WHERE id = NEW.action_line_id) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'prize category must be one of the 18 leaf Action Lines');
END;

-- ---------------------------------------------------------------- full-text search

-- External-content FTS5 index over the project's free text, kept current by triggers.
-- remove_diacritics 2 lets "telemedecine" find "télémédecine".
CREATE VIRTUAL TABLE project_fts USING fts5(
    title, description, organization_name,
    content = 'project', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A bulk import defers indexing its new rows: it sets this flag inside its own transaction and adds
-- all its rows to the index in one pass before it commits (measured 1.4 s for 100,000 rows instead
-- of 9 s row by row). Other connections never see the flag: it is written and cleared in that
-- transaction.
CREATE TABLE search_index_deferral (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    first_project_id INTEGER NOT NULL   -- rows with id >= this one are indexed at the end
) STRICT;

CREATE TRIGGER project_fts_after_insert AFTER INSERT ON project
WHEN NOT EXISTS (SELECT 1 FROM search_index_deferral)
BEGIN
    INSERT INTO project_fts (rowid, title, description, organization_name)
    VALUES (NEW.id, NEW.title, NEW.description, NEW.organization_name);
END;

CREATE TRIGGER project_fts_after_delete AFTER DELETE ON project BEGIN
    INSERT INTO project_fts (project_fts, rowid, title, description, organization_name)
    VALUES ('delete', OLD.id, OLD.title, OLD.description, OLD.organization_name);
END;

CREATE TRIGGER project_fts_after_update AFTER UPDATE OF title, description, organization_name ON project BEGIN
    INSERT INTO project_fts (project_fts, rowid, title, description, organization_name)
    VALUES ('delete', OLD.id, OLD.title, OLD.description, OLD.organization_name);
    INSERT INTO project_fts (rowid, title, description, organization_name)
    VALUES (NEW.id, NEW.title, NEW.description, NEW.organization_name);
END;

-- ---------------------------------------------------------------- views for analysts

-- One row per project with its links as ';' lists in canonical form.
CREATE VIEW project_flat AS
SELECT
    p.id,
    p.external_id,
    p.title,
    p.description,
    p.organization_name AS organization,
    st.code AS stakeholder_type,
    (SELECT group_concat(c.token, ';')
       FROM (SELECT CASE WHEN c.iso2 = 'XW' THEN 'INTERNATIONAL' ELSE c.iso2 END AS token
             FROM project_country pc JOIN country c ON c.id = pc.country_id
             WHERE pc.project_id = p.id ORDER BY token) AS c) AS countries,
    p.coverage,
    p.status,
    p.start_date,
    p.end_date,
    p.website,
    p.contact_email,
    p.partners,
    p.activity_type,
    (SELECT group_concat(a.code, ';')
       FROM (SELECT al.code FROM project_action_line pa JOIN action_line al ON al.id = pa.action_line_id
             WHERE pa.project_id = p.id ORDER BY al.id) AS a) AS action_lines,
    (SELECT group_concat(s.sdg_id, ';')
       FROM (SELECT sdg_id FROM project_sdg WHERE project_id = p.id ORDER BY sdg_id) AS s) AS sdgs,
    (SELECT group_concat(g.gdc_objective_id, ';')
       FROM (SELECT gdc_objective_id FROM project_gdc_objective WHERE project_id = p.id ORDER BY gdc_objective_id) AS g) AS gdc_objectives,
    p.submitted_on,
    p.batch_id
FROM project p
LEFT JOIN stakeholder_type st ON st.id = p.stakeholder_type_id;

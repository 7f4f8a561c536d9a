/**
 * Versioned schema migrations for the SQLite store. Each entry moves the schema from version
 * i to i + 1 (SQLite's user_version); never edit an entry that has shipped, append a new one.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE towns (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL,
    boundary TEXT NOT NULL, bbox TEXT NOT NULL, center TEXT NOT NULL
  );
  CREATE TABLE communities (
    id TEXT PRIMARY KEY, town_id TEXT NOT NULL REFERENCES towns(id), name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('village', 'neighborhood')),
    geometry TEXT NOT NULL, center TEXT NOT NULL, area_km2 REAL NOT NULL
  );
  CREATE TABLE grids (
    id TEXT PRIMARY KEY, town_id TEXT NOT NULL REFERENCES towns(id),
    community_id TEXT NOT NULL REFERENCES communities(id), name TEXT NOT NULL, manager TEXT NOT NULL,
    geometry TEXT NOT NULL, area_km2 REAL NOT NULL,
    min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL
  );
  CREATE INDEX grids_community ON grids(community_id);
  CREATE TABLE units (
    id TEXT PRIMARY KEY, town_id TEXT NOT NULL REFERENCES towns(id), name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('department', 'community')),
    community_id TEXT REFERENCES communities(id)
  );
  CREATE TABLE sites (
    id TEXT PRIMARY KEY, town_id TEXT NOT NULL REFERENCES towns(id),
    community_id TEXT NOT NULL REFERENCES communities(id), grid_id TEXT NOT NULL REFERENCES grids(id),
    name TEXT NOT NULL, kind TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL
  );
  CREATE TABLE basemap_features (
    id INTEGER PRIMARY KEY, town_id TEXT NOT NULL REFERENCES towns(id),
    layer TEXT NOT NULL, name TEXT NOT NULL, class TEXT NOT NULL, geometry TEXT NOT NULL
  );
  CREATE TABLE problems (
    id INTEGER PRIMARY KEY, town_id TEXT NOT NULL REFERENCES towns(id),
    lon REAL NOT NULL, lat REAL NOT NULL,
    grid_id TEXT NOT NULL REFERENCES grids(id), community_id TEXT NOT NULL REFERENCES communities(id),
    category TEXT NOT NULL, source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('reported', 'open', 'in_progress', 'awaiting_verification', 'closed')),
    unit_id TEXT REFERENCES units(id), site_id TEXT REFERENCES sites(id),
    description TEXT NOT NULL, address TEXT NOT NULL, measure TEXT,
    reported_at INTEGER NOT NULL, deadline INTEGER, closed_at INTEGER,
    updated_at INTEGER NOT NULL, version INTEGER NOT NULL
  );
  CREATE TABLE problem_events (
    id INTEGER PRIMARY KEY, problem_id INTEGER NOT NULL REFERENCES problems(id),
    at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    from_status TEXT, to_status TEXT NOT NULL, note TEXT NOT NULL, photos TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX problem_events_problem ON problem_events(problem_id);
  CREATE TRIGGER problem_events_append_only_update BEFORE UPDATE ON problem_events
    BEGIN SELECT RAISE(ABORT, 'problem_events is append-only'); END;
  CREATE TRIGGER problem_events_append_only_delete BEFORE DELETE ON problem_events
    BEGIN SELECT RAISE(ABORT, 'problem_events is append-only'); END;
  `,
];

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
  // v2: accounts, sessions, display tokens, the audit log, and the reporter's personal data on problems.
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'grid_manager', 'unit', 'display')),
    password_hash TEXT NOT NULL,
    unit_id TEXT REFERENCES units(id),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE user_grids (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    grid_id TEXT NOT NULL REFERENCES grids(id),
    PRIMARY KEY (user_id, grid_id)
  ) WITHOUT ROWID;
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    address TEXT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE display_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER,
    username TEXT,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX audit_log_at ON audit_log(at);
  -- The audit log is never edited; only the retention purge deletes (old rows, by time).
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  ALTER TABLE problems ADD COLUMN reporter_name TEXT;
  ALTER TABLE problems ADD COLUMN reporter_phone TEXT;
  `,
  // v3: photos of problems (before / after rectification), stored by content hash in the data directory.
  `
  CREATE TABLE photos (
    id TEXT NOT NULL,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    kind TEXT NOT NULL CHECK (kind IN ('before', 'after')),
    mime TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, bytes INTEGER NOT NULL,
    lon REAL, lat REAL,
    created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
    -- The same file (same content hash) may document several problems.
    PRIMARY KEY (problem_id, id)
  );
  CREATE INDEX photos_id ON photos(id);
  `,
  // v4: idempotency keys of creating requests (kept at least 7 days), and recurrences (反弹).
  `
  CREATE TABLE idempotency_keys (
    key TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    body_hash TEXT NOT NULL,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    status INTEGER,
    response TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
  );
  CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
  CREATE TABLE recurrences (
    problem_id INTEGER PRIMARY KEY REFERENCES problems(id),
    of_problem_id INTEGER NOT NULL REFERENCES problems(id),
    distance_m REAL NOT NULL
  );
  `,
  // v5: what each event set besides the status (JSON), so that replaying a problem's events gives its row.
  // Events written before v5 keep '{}': their history says the status only.
  `
  ALTER TABLE problem_events ADD COLUMN changes TEXT NOT NULL DEFAULT '{}';
  `,
  // v6: events by time, for the wall's feed of the latest reports and closures.
  `
  CREATE INDEX problem_events_at ON problem_events(at);
  `,
  // v7: automatic dispatch rules (自动派遣), in the order an admin keeps them; null = any category / any community.
  `
  CREATE TABLE dispatch_rules (
    position INTEGER PRIMARY KEY,
    category TEXT,
    community_id TEXT REFERENCES communities(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    UNIQUE (category, community_id)
  );
  `,
  // v8: patrols (巡查) — the record of a grid manager's walk: its track (personal information: kept
  // 180 days, read by admins and leaders only) and its check-ins at stops, reports and on-spot fixes.
  // A patrol's id is made by the phone, so that one started without signal is known at once.
  `
  CREATE TABLE patrols (
    id TEXT PRIMARY KEY,
    user_id INTEGER,
    actor TEXT NOT NULL,
    grid_ids TEXT NOT NULL,
    mode TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    distance_m REAL NOT NULL DEFAULT 0,
    track_purged INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX patrols_started ON patrols(started_at);
  CREATE TABLE patrol_points (
    patrol_id TEXT NOT NULL REFERENCES patrols(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    PRIMARY KEY (patrol_id, at)
  ) WITHOUT ROWID;
  CREATE TABLE patrol_checkins (
    id INTEGER PRIMARY KEY,
    patrol_id TEXT NOT NULL REFERENCES patrols(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('stop', 'report', 'fix')),
    problem_id INTEGER REFERENCES problems(id),
    site_id TEXT,
    result TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    lon REAL,
    lat REAL,
    at INTEGER NOT NULL,
    UNIQUE (patrol_id, key)
  );
  CREATE INDEX patrol_checkins_site ON patrol_checkins(site_id, at);
  `,
  // v9: presentation decks (演示文稿): scenes as JSON, versioned (If-Match), with the author's name.
  `
  CREATE TABLE decks (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT 'light',
    scenes TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // v10: imports (导入) — each batch with its file's hash, the rows it added by fingerprint (a
  // second import of the same rows adds nothing), its events marked with the batch. The event log
  // stays append-only except for the events of a batch marked undone (undo, before anyone touched
  // its problems).
  `
  CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY,
    filename TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    datum TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    rows_added INTEGER NOT NULL,
    undone_at INTEGER,
    undone_by TEXT
  );
  ALTER TABLE problem_events ADD COLUMN batch INTEGER REFERENCES import_batches(id);
  CREATE INDEX problem_events_batch ON problem_events(batch) WHERE batch IS NOT NULL;
  CREATE TABLE import_rows (
    fingerprint TEXT PRIMARY KEY,
    batch INTEGER NOT NULL REFERENCES import_batches(id),
    problem_id INTEGER NOT NULL,
    line INTEGER NOT NULL
  );
  CREATE INDEX import_rows_batch ON import_rows(batch);
  DROP TRIGGER problem_events_append_only_delete;
  CREATE TRIGGER problem_events_append_only_delete BEFORE DELETE ON problem_events
    WHEN OLD.batch IS NULL OR (SELECT undone_at FROM import_batches WHERE id = OLD.batch) IS NULL
    BEGIN SELECT RAISE(ABORT, 'problem_events is append-only (only the events of an undone import batch go)'); END;
  `,
  // v11: inspection rounds (测评轮次) of key sites against their checklists — a round's sites (and,
  // for a re-check, the items to look at again), one check per site with a result per item, and the
  // problem each failed item made; a key site's owner unit (责任单位).
  `
  ALTER TABLE sites ADD COLUMN unit_id TEXT REFERENCES units(id);
  CREATE TABLE inspection_rounds (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('supervision', 'mock_evaluation', 'unannounced', 'recheck')),
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    team TEXT NOT NULL,
    deadline_rule TEXT NOT NULL,
    recheck_of INTEGER REFERENCES inspection_rounds(id),
    sample TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE round_sites (
    round_id INTEGER NOT NULL REFERENCES inspection_rounds(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    items TEXT,
    PRIMARY KEY (round_id, site_id)
  );
  CREATE TABLE site_checks (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES inspection_rounds(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    checked_at INTEGER NOT NULL,
    inspector TEXT NOT NULL,
    note TEXT NOT NULL,
    UNIQUE (round_id, site_id)
  );
  CREATE INDEX site_checks_site ON site_checks(site_id, checked_at);
  CREATE TABLE check_items (
    check_id INTEGER NOT NULL REFERENCES site_checks(id),
    item TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
    note TEXT NOT NULL,
    problem_id INTEGER REFERENCES problems(id),
    PRIMARY KEY (check_id, item)
  );
  CREATE INDEX check_items_problem ON check_items(problem_id) WHERE problem_id IS NOT NULL;
  `,
  // v12: key projects (重点项目推进表) — a project's place (point, line or area, GeoJSON), dates and
  // progress, its milestones with planned and actual dates, and every update made to it (append-only).
  `
  CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    community_id TEXT REFERENCES communities(id),
    geometry TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE project_milestones (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    planned_on TEXT NOT NULL,
    done_on TEXT
  );
  CREATE INDEX project_milestones_project ON project_milestones(project_id);
  CREATE TABLE project_updates (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL,
    changes TEXT NOT NULL
  );
  CREATE INDEX project_updates_project ON project_updates(project_id, id);
  CREATE TRIGGER project_updates_append_only_update BEFORE UPDATE ON project_updates
    BEGIN SELECT RAISE(ABORT, 'project_updates is append-only'); END;
  CREATE TRIGGER project_updates_append_only_delete BEFORE DELETE ON project_updates
    BEGIN SELECT RAISE(ABORT, 'project_updates is append-only'); END;
  `,
];

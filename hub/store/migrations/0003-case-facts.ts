import type { Migration } from '../migrate';

/**
 * Statistics (hub/stats/README.md): facts per case, kept by the hub from its events, and the
 * daily and monthly rollups that answer any period in milliseconds. Derived data: the hub
 * rebuilds all of it from the event log when `stats_facts_version` in meta is not current.
 */
export const m0003: Migration = {
  version: 3,
  name: '0003-case-facts',
  up(db) {
    db.exec(`
      CREATE TABLE case_facts (
        case_id TEXT NOT NULL,
        dept TEXT NOT NULL,                 -- '' = the case itself; else a department it was dispatched to
        owner INTEGER NOT NULL,             -- department rows: owns the case now
        subdistrict TEXT NOT NULL, community TEXT NOT NULL, category TEXT NOT NULL,
        source TEXT NOT NULL, urgency TEXT NOT NULL, lng REAL NOT NULL, lat REAL NOT NULL,
        status TEXT NOT NULL,
        reported_at INTEGER NOT NULL, registered_at INTEGER, dispatched_at INTEGER,
        accepted_at INTEGER, resolved_at INTEGER, closed_at INTEGER,
        dispatch_on_time INTEGER, accept_on_time INTEGER, resolve_on_time INTEGER,
        returned INTEGER NOT NULL, reopened INTEGER NOT NULL, extended INTEGER NOT NULL, submitted INTEGER NOT NULL,
        dispatch_due INTEGER, handling_due INTEGER,
        due_at INTEGER,                     -- handling deadline the row is due to close by
        running_due INTEGER,                -- deadline running now (overdue when passed)
        updated_at INTEGER NOT NULL, seq INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX case_facts_case ON case_facts(case_id, dept);
      -- One index per instant that places a figure in a period: partial days at the ends of a
      -- period and drill-downs read the facts through them.
      CREATE INDEX case_facts_reported ON case_facts(reported_at);
      CREATE INDEX case_facts_registered ON case_facts(registered_at) WHERE registered_at IS NOT NULL;
      CREATE INDEX case_facts_dispatched ON case_facts(dispatched_at) WHERE dispatched_at IS NOT NULL;
      CREATE INDEX case_facts_accepted ON case_facts(accepted_at) WHERE accepted_at IS NOT NULL;
      CREATE INDEX case_facts_resolved ON case_facts(resolved_at) WHERE resolved_at IS NOT NULL;
      CREATE INDEX case_facts_closed ON case_facts(closed_at) WHERE closed_at IS NOT NULL;
      CREATE INDEX case_facts_due ON case_facts(due_at) WHERE due_at IS NOT NULL;
      CREATE INDEX case_facts_running ON case_facts(running_due) WHERE running_due IS NOT NULL;
      -- Cases by report time with what the demand figures and repeats read: index-only scans.
      CREATE INDEX case_facts_demand ON case_facts(reported_at, subdistrict, community, category, source, lng, lat, case_id) WHERE dept = '';
      CREATE INDEX case_facts_community ON case_facts(community, reported_at) WHERE dept = '';
      CREATE INDEX case_facts_category ON case_facts(category, reported_at) WHERE dept = '';

      -- Assessment rollups: grain 'd' (local day number) or 'm' (year*12 + month), per
      -- department (dim 'department', sub = the case's subdistrict, or '*' for all of them) and
      -- per subdistrict (dim 'subdistrict', sub = key; sub = key = '*' for the whole district,
      -- each case once). Columns are the figures' counts, the
      -- stage times' count and sum (ms), and the stage-time histograms as JSON
      -- ({stage: [edge minutes, count, edge, count, …]})
      CREATE TABLE stats_rollup (
        dim TEXT NOT NULL, sub TEXT NOT NULL, grain TEXT NOT NULL, start INTEGER NOT NULL, key TEXT NOT NULL,
        received INTEGER NOT NULL DEFAULT 0, registered INTEGER NOT NULL DEFAULT 0,
        dispatched INTEGER NOT NULL DEFAULT 0, dispatched_on_time INTEGER NOT NULL DEFAULT 0,
        accepted INTEGER NOT NULL DEFAULT 0, accepted_on_time INTEGER NOT NULL DEFAULT 0,
        resolved INTEGER NOT NULL DEFAULT 0, resolved_on_time INTEGER NOT NULL DEFAULT 0,
        closed INTEGER NOT NULL DEFAULT 0, returned INTEGER NOT NULL DEFAULT 0,
        reopened INTEGER NOT NULL DEFAULT 0, extended INTEGER NOT NULL DEFAULT 0,
        submitted INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0,
        due_closed INTEGER NOT NULL DEFAULT 0, due_closed_on_time INTEGER NOT NULL DEFAULT 0,
        register_n INTEGER NOT NULL DEFAULT 0, register_ms INTEGER NOT NULL DEFAULT 0,
        dispatch_n INTEGER NOT NULL DEFAULT 0, dispatch_ms INTEGER NOT NULL DEFAULT 0,
        accept_n INTEGER NOT NULL DEFAULT 0, accept_ms INTEGER NOT NULL DEFAULT 0,
        resolve_n INTEGER NOT NULL DEFAULT 0, resolve_ms INTEGER NOT NULL DEFAULT 0,
        close_n INTEGER NOT NULL DEFAULT 0, close_ms INTEGER NOT NULL DEFAULT 0,
        hist TEXT NOT NULL DEFAULT '{}'
      );
      -- A rowid table: month rows carry kilobytes of histogram, too large for WITHOUT ROWID.
      CREATE UNIQUE INDEX stats_rollup_key ON stats_rollup(dim, sub, grain, start, key);

      -- Public-demand rollups: cases received per category, bigClass, subdistrict, community,
      -- source and hour of day ('*' sub rows for the dimensions a subdistrict does not determine).
      CREATE TABLE stats_demand (
        dim TEXT NOT NULL, sub TEXT NOT NULL, grain TEXT NOT NULL, start INTEGER NOT NULL, key TEXT NOT NULL,
        n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (dim, sub, grain, start, key)
      ) WITHOUT ROWID;
    `);
  },
};

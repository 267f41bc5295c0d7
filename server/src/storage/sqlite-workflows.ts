// Workflows and categories in SQLite: plain keyed rows per app; the channel templates are JSON.
import type Database from 'better-sqlite3';
import type { Workflow, WorkflowChannels } from 'belfry/protocol';
import type { CategoryStore, WorkflowStore } from './types.ts';

interface WorkflowRow {
  identifier: string;
  name: string;
  category: string | null;
  channels: string;
  created_at: string;
  updated_at: string;
}

const toWorkflow = (row: WorkflowRow): Workflow => ({
  identifier: row.identifier,
  name: row.name,
  category: row.category,
  channels: JSON.parse(row.channels) as WorkflowChannels,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The SQLite `WorkflowStore`. */
export function createSqliteWorkflowStore(db: Database.Database, now: () => string): WorkflowStore {
  const stmt = {
    upsert: db.prepare<[string, string, string, string | null, string, string, string], WorkflowRow>(
      `INSERT INTO workflows (app_id, identifier, name, category, channels, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (app_id, identifier) DO UPDATE SET name = excluded.name, category = excluded.category,
         channels = excluded.channels, updated_at = excluded.updated_at
       RETURNING *`,
    ),
    get: db.prepare<[string, string], WorkflowRow>('SELECT * FROM workflows WHERE app_id = ? AND identifier = ?'),
    remove: db.prepare('DELETE FROM workflows WHERE app_id = ? AND identifier = ?'),
    list: db.prepare<[string], WorkflowRow>('SELECT * FROM workflows WHERE app_id = ? ORDER BY identifier'),
  };
  return {
    upsert: async (appId, identifier, input) => {
      const at = now();
      return toWorkflow(stmt.upsert.get(appId, identifier, input.name, input.category ?? null, JSON.stringify(input.channels), at, at)!);
    },
    get: async (appId, identifier) => {
      const row = stmt.get.get(appId, identifier);
      return row ? toWorkflow(row) : null;
    },
    remove: async (appId, identifier) => stmt.remove.run(appId, identifier).changes > 0,
    list: async (appId) => stmt.list.all(appId).map(toWorkflow),
  };
}

/** The SQLite `CategoryStore`. */
export function createSqliteCategoryStore(db: Database.Database, now: () => string): CategoryStore {
  const stmt = {
    upsert: db.prepare<[string, string, string, string], { identifier: string; name: string }>(
      `INSERT INTO categories (app_id, identifier, name, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (app_id, identifier) DO UPDATE SET name = excluded.name
       RETURNING identifier, name`,
    ),
    list: db.prepare<[string], { identifier: string; name: string }>(
      'SELECT identifier, name FROM categories WHERE app_id = ? ORDER BY identifier',
    ),
  };
  return {
    upsert: async (appId, identifier, name) => stmt.upsert.get(appId, identifier, name, now())!,
    list: async (appId) => stmt.list.all(appId),
  };
}

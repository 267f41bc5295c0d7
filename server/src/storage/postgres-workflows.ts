// Workflows and categories in PostgreSQL: plain keyed rows per app; the channel templates are JSONB.
// Lists are ordered with COLLATE "C" (byte order), the order SQLite's BINARY collation gives.
import type pg from 'pg';
import type { Workflow, WorkflowChannels } from 'belfry/protocol';
import { query, toJsonParam } from './postgres-pool.ts';
import type { CategoryStore, WorkflowStore } from './types.ts';

interface WorkflowRow {
  identifier: string;
  name: string;
  category: string | null;
  channels: WorkflowChannels;
  created_at: string;
  updated_at: string;
}

const WORKFLOW_COLUMNS = 'identifier, name, category, channels, created_at, updated_at';

const toWorkflow = (row: WorkflowRow): Workflow => ({
  identifier: row.identifier,
  name: row.name,
  category: row.category,
  channels: row.channels,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The PostgreSQL `WorkflowStore`. */
export function createPostgresWorkflowStore(pool: pg.Pool, now: () => string): WorkflowStore {
  return {
    upsert: async (appId, identifier, input) => {
      const at = now();
      const [row] = await query<WorkflowRow>(
        pool,
        `INSERT INTO workflows (app_id, identifier, name, category, channels, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6)
         ON CONFLICT (app_id, identifier) DO UPDATE SET name = excluded.name, category = excluded.category,
           channels = excluded.channels, updated_at = excluded.updated_at
         RETURNING ${WORKFLOW_COLUMNS}`,
        [appId, identifier, input.name, input.category ?? null, toJsonParam(input.channels), at],
      );
      return toWorkflow(row!);
    },
    get: async (appId, identifier) => {
      const [row] = await query<WorkflowRow>(pool, `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE app_id = $1 AND identifier = $2`, [
        appId,
        identifier,
      ]);
      return row ? toWorkflow(row) : null;
    },
    remove: async (appId, identifier) =>
      (await query(pool, 'DELETE FROM workflows WHERE app_id = $1 AND identifier = $2 RETURNING 1', [appId, identifier])).length > 0,
    list: async (appId) =>
      (
        await query<WorkflowRow>(pool, `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE app_id = $1 ORDER BY identifier COLLATE "C"`, [appId])
      ).map(toWorkflow),
  };
}

/** The PostgreSQL `CategoryStore`. */
export function createPostgresCategoryStore(pool: pg.Pool, now: () => string): CategoryStore {
  return {
    upsert: async (appId, identifier, name) => {
      const [row] = await query<{ identifier: string; name: string }>(
        pool,
        `INSERT INTO categories (app_id, identifier, name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_id, identifier) DO UPDATE SET name = excluded.name
         RETURNING identifier, name`,
        [appId, identifier, name, now()],
      );
      return row!;
    },
    list: async (appId) =>
      query<{ identifier: string; name: string }>(
        pool,
        'SELECT identifier, name FROM categories WHERE app_id = $1 ORDER BY identifier COLLATE "C"',
        [appId],
      ),
  };
}

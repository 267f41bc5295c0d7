// Backend API: stored workflows (design §2, §4).
import { Hono } from 'hono';
import type { AuthEnv } from '../auth.ts';
import type { RouteDeps } from './deps.ts';

/** Routes under `/v1/workflows`. */
export function workflowRoutes(_deps: RouteDeps): Hono<AuthEnv> {
  return new Hono<AuthEnv>();
}

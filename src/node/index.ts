// The server-side SDK for app backends (Node, Deno, Bun, edge runtimes: anything with fetch).
export { createClient } from './client.ts';
export type { BelfryClient, ClientOptions, SendOptions } from './client.ts';
export { BelfryApiError } from './errors.ts';
export type { Attributes, Recipient, TriggerRequest, TriggerResponse, User } from '../protocol/index.ts';

// What the route files share: the storage, the bus, the hub, the log, and the poke helper.
import type { Bus } from '../bus/index.ts';
import type { ChannelProviders } from '../channels/index.ts';
import { userTopic } from '../bus/index.ts';
import type { Log } from '../log.ts';
import type { Metrics } from '../ops/index.ts';
import type { CommittedChange, Hub } from '../realtime/index.ts';
import type { Storage } from '../storage/index.ts';

/** The services every route file is built from. */
export interface RouteDeps {
  storage: Storage;
  bus: Bus;
  hub: Hub;
  log: Log;
  /** Counters for `GET /metrics`, e.g. `metrics.count('belfry_notifications_delivered_total', n)`. */
  metrics: Metrics;
  /** Email/SMS providers and webhook options of the trigger pipeline; built-in ones when absent. */
  providers?: ChannelProviders;
}

/**
 * Tells the streams of users whose inbox changed, after the change committed: this process's
 * streams get the events at once (those given; the rest are read), every process's get a poke on
 * the bus. A failed poke is logged, not answered as an error: the change is saved, and streams
 * heal on their next heartbeat.
 */
export async function poke(deps: RouteDeps, changes: readonly CommittedChange[]): Promise<void> {
  if (changes.length === 0) return;
  // Before the bus, so this process's own poke finds the streams up to date and reads nothing.
  try {
    deps.hub.deliver(changes);
  } catch (error) {
    // The bus pokes below still make the streams read what they missed.
    deps.log('error', 'local delivery failed', { error, changes: changes.length });
  }
  // A trigger's recipients in one bus message, which every process gets; one user's change on
  // that user's topic, which only the processes serving the user get.
  const published =
    changes.length === 1
      ? deps.bus.publish(userTopic(changes[0]!.userId), changes[0]!.seq)
      : deps.bus.publishMany(changes.map(({ userId, seq }) => ({ topic: userTopic(userId), seq })));
  await published.catch((error: unknown) => deps.log('warn', 'poke failed', { error, users: changes.length }));
}

// The client benchmark's table and target lines (Speed: cached first paint median at most 50 ms,
// 1,000 realtime events into the store in at most 50 ms, 10,000 notifications in at most 20 MB of
// JS heap; all in Chromium with 4x CPU throttling).
import type { EventsResult, MemoryResult } from './client-core.ts';
import type { PaintResult, PaintSample } from './client-paint.ts';
import { percentile } from './herd-report.ts';

export const PAINT_MEDIAN_TARGET_MS = 50;
export const EVENTS_TARGET_MS = 50;
export const HEAP_TARGET_MB = 20;

/** Megabytes as the targets count them: 10^6 bytes. */
const MB = 1e6;
const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const median = (values: readonly number[]) => percentile(values, 50);

export interface ClientBenchResult {
  paint: PaintResult;
  events: EventsResult;
  /** The same events, one frame per chunk. */
  eventsChunked: EventsResult;
  memory: MemoryResult;
  eventCount: number;
  notifications: number;
}

/** A Markdown table of `rows` under `header`. */
export function markdown(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

function msRow(label: string, values: number[], target: string, met: boolean | null): string[] {
  return [label, String(values.length), `${fixed(median(values), 1)} ms`, `${fixed(percentile(values, 90), 1)} ms`, target, met === null ? '-' : verdict(met)];
}

const paintPart = (samples: PaintSample[], pick: (s: PaintSample) => number | null) =>
  samples.map(pick).filter((v): v is number => v !== null);

/** The results as one Markdown table: a row per measure, with its target and whether it was met. */
export function table(r: ClientBenchResult): string {
  const { samples } = r.paint;
  const painted = paintPart(samples, (s) => s.painted);
  const fromCache = samples.filter((s) => s.scriptFromCache).length;
  const heldMb = r.memory.held.map((b) => b / MB);
  const renderedMb = r.memory.rendered.map((b) => b / MB);
  return markdown(
    ['measure', 'runs', 'median', 'p90', 'target', 'result'],
    [
      msRow('cached first paint: script start → cached items painted, service unreachable', painted, `median ≤ ${PAINT_MEDIAN_TARGET_MS} ms`, median(painted) <= PAINT_MEDIAN_TARGET_MS),
      msRow(`… script start → script evaluated, element defined (script from the HTTP cache in ${fromCache} of ${samples.length})`, paintPart(samples, (s) => s.scriptEvaluated), '-', null),
      msRow('… script start → all cached items in the shadow DOM', paintPart(samples, (s) => s.itemsInDom), '-', null),
      msRow('… the same cached loads without CPU throttling', r.paint.unthrottled, '-', null),
      msRow('… the same host page without the widget: mark → first frame painted', r.paint.bare, '-', null),
      msRow(`${r.eventCount.toLocaleString('en')} notification.created events → store, one chunk`, r.events.samples, `total ≤ ${EVENTS_TARGET_MS} ms`, median(r.events.samples) <= EVENTS_TARGET_MS),
      msRow(`${r.eventCount.toLocaleString('en')} events → store, one frame per chunk`, r.eventsChunked.samples, '-', null),
      [
        `${r.notifications.toLocaleString('en')} notifications held by an inbox: JS heap`,
        String(heldMb.length),
        `${fixed(median(heldMb), 2)} MB`,
        `${fixed(Math.max(...heldMb), 2)} MB (max)`,
        `≤ ${HEAP_TARGET_MB} MB`,
        verdict(median(heldMb) <= HEAP_TARGET_MB),
      ],
      [
        '… plus each rendered once with `inbox.render()` (as the list shows them)',
        String(renderedMb.length),
        `${fixed(median(renderedMb), 2)} MB`,
        `${fixed(Math.max(...renderedMb), 2)} MB (max)`,
        '-',
        '-',
      ],
    ],
  );
}

/** One line per target. */
export function targets(r: ClientBenchResult): string {
  const painted = median(paintPart(r.paint.samples, (s) => s.painted));
  const events = median(r.events.samples);
  const held = median(r.memory.held) / MB;
  // A miss says by how much.
  const line = (met: boolean, name: string, value: string, ratio: number) => `- ${verdict(met)}: ${name} — ${value}${met ? '' : `, ${fixed(ratio, 1)}x the target`}`;
  return [
    line(painted <= PAINT_MEDIAN_TARGET_MS, `cached first paint median ≤ ${PAINT_MEDIAN_TARGET_MS} ms`, `${fixed(painted, 1)} ms`, painted / PAINT_MEDIAN_TARGET_MS),
    line(events <= EVENTS_TARGET_MS, `applying ${r.eventCount.toLocaleString('en')} realtime events ≤ ${EVENTS_TARGET_MS} ms in total`, `${fixed(events, 1)} ms (median)`, events / EVENTS_TARGET_MS),
    line(held <= HEAP_TARGET_MB, `${r.notifications.toLocaleString('en')} cached notifications ≤ ${HEAP_TARGET_MB} MB of JS heap`, `${fixed(held, 2)} MB (${fixed((median(r.memory.held) / r.notifications), 0)} bytes each)`, held / HEAP_TARGET_MB),
  ].join('\n');
}

// Rows of the deliveries log to the wire shape, shared by the SQLite and PostgreSQL stores.
import type { DeliveryRecord } from 'belfry/protocol';

/** A row of `deliveries` (`created_at` as an ISO string in both storages). */
export interface DeliveryRow {
  id: string;
  trigger_id: string;
  channel: DeliveryRecord['channel'];
  recipient: string;
  address: string;
  subject: string | null;
  body: string;
  status: DeliveryRecord['status'];
  error: string | null;
  created_at: string;
}

/** Maps a `deliveries` row to the wire type. */
export const toDeliveryRecord = (row: DeliveryRow): DeliveryRecord => ({
  id: row.id,
  triggerId: row.trigger_id,
  channel: row.channel,
  recipient: row.recipient,
  to: row.address,
  subject: row.subject,
  body: row.body,
  status: row.status,
  error: row.error,
  createdAt: row.created_at,
});

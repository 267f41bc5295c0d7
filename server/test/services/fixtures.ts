// Fixture factories for workflows, channel providers and webhook receivers, shared by the trigger
// pipeline's tests.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowInput } from 'belfry/protocol';
import { createApp } from '../../src/index.ts';
import type { ChannelMessage, ChannelProvider, ChannelProviders } from '../../src/channels/index.ts';
import { backendHeaders, send } from '../fixtures.ts';
import type { JsonAnswer, TestService } from '../fixtures.ts';

/** A workflow body with an in-app and an email channel by default. */
export function createWorkflowInput(overrides: Partial<WorkflowInput> = {}): WorkflowInput {
  return {
    name: 'Order shipped',
    category: 'orders',
    channels: {
      inApp: { title: 'Hi <<recipient.firstName>>', message: 'Order **<<data.orderId>>** shipped', url: '/orders/<<data.orderId>>' },
      email: { subject: 'Order <<data.orderId>> shipped', body: 'Hello <<recipient.firstName>>, it is on its way.' },
    },
    ...overrides,
  };
}

/** Saves a workflow through the backend API. */
export async function putWorkflow(service: TestService, identifier: string, input: unknown = createWorkflowInput()): Promise<JsonAnswer> {
  return send(service, 'PUT', `/v1/workflows/${encodeURIComponent(identifier)}`, { headers: backendHeaders(service), body: input });
}

/** A trigger body naming a workflow. */
export function createWorkflowTrigger(workflow: string, recipients: unknown[] = ['ada'], data: Record<string, unknown> = { orderId: 42 }): Record<string, unknown> {
  return { notification: { workflow: { identifier: workflow } }, data, sendTo: { recipients } };
}

/** Replaces the service's app with one built with `providers` (same storage, bus and hub). */
export function withProviders(service: TestService, providers: ChannelProviders): TestService {
  return { ...service, app: createApp({ storage: service.storage, bus: service.bus, hub: service.hub, log: service.log, providers }) };
}

/** A provider that records what it was asked to send and answers `result` (or throws it). */
export function createRecordingProvider(result: Awaited<ReturnType<ChannelProvider['send']>> | Error = { status: 'sent' }): ChannelProvider & { messages: ChannelMessage[] } {
  const messages: ChannelMessage[] = [];
  return {
    messages,
    async send(message) {
      messages.push(message);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

/** A request a webhook receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server standing in for an app's webhook endpoint; `close()` it in `afterEach`. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status the next requests are answered with (default 200). */
  status: number;
  close(): Promise<void>;
}

/** Starts a `WebhookReceiver` on a free port of 127.0.0.1. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', received: [], status: 200, close: async () => {} };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      receiver.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/belfry`;
  receiver.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return receiver;
}

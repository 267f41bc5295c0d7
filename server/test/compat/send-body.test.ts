import { describe, expect, it } from 'vitest';
import { toTriggerBody } from '../../src/compat/send-body.ts';
import { HttpError } from '../../src/errors.ts';

/** An Engagespot send body with sensible defaults. */
function createSendBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { notification: { workflow: { identifier: 'order-shipped', cancellationKey: 'k1' } }, data: { order: 42 }, sendTo: { recipients: ['ada'] }, ...overrides };
}

function refusal(body: unknown): HttpError {
  try {
    toTriggerBody(body);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('toTriggerBody', () => {
  it('keeps the shared notification fields, data and recipients, and drops the rest', () => {
    const body = createSendBody({
      notification: { workflow: { identifier: 'order-shipped' }, title: 'T', message: 'M', url: 'https://x.example', icon: '/i.png', category: 'orders', templateId: 3 },
      override: { channels: ['email'] },
    });
    expect(toTriggerBody(body)).toEqual({
      notification: { workflow: { identifier: 'order-shipped' }, title: 'T', message: 'M', url: 'https://x.example', icon: '/i.png', category: 'orders' },
      data: { order: 42 },
      sendTo: { recipients: ['ada'] },
    });
  });

  it('appends the legacy top-level recipients to sendTo.recipients', () => {
    const inline = { identifier: 'grace', email: 'grace@example.com' };
    expect(toTriggerBody(createSendBody({ recipients: ['bob'], sendTo: { recipients: ['ada', inline] } })).sendTo.recipients).toEqual(['ada', inline, 'bob']);
    expect(toTriggerBody(createSendBody({ recipients: ['bob'], sendTo: undefined })).sendTo.recipients).toEqual(['bob']);
  });

  it('takes the legacy top-level category and notification.data when the newer fields are absent', () => {
    const converted = toTriggerBody({ notification: { title: 'T', data: { a: 1 } }, category: 'billing', sendTo: { recipients: ['ada'] } });
    expect(converted.notification.category).toBe('billing');
    expect(converted.data).toEqual({ a: 1 });
  });

  it('refuses topics and scheduled sending with a 400 naming the field', () => {
    expect(refusal(createSendBody({ sendTo: { recipients: ['ada'], topics: ['news'] } }))).toMatchObject({ status: 400, message: expect.stringContaining('sendTo.topics') });
    expect(refusal(createSendBody({ sendAt: '2030-01-01T00:00:00Z' }))).toMatchObject({ status: 400, message: expect.stringContaining('sendAt') });
    expect(toTriggerBody(createSendBody({ sendTo: { recipients: ['ada'], topics: [] } })).sendTo.recipients).toEqual(['ada']);
  });

  it('answers 400 for bodies of the wrong shape', () => {
    for (const body of [null, [], 'x', {}, { notification: 'x' }, createSendBody({ sendTo: 'ada' }), createSendBody({ recipients: 'ada' })]) {
      expect(refusal(body).status, JSON.stringify(body)).toBe(400);
    }
  });
});

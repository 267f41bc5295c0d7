import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonLog } from '../../src/log.ts';
import { backendHeaders, clientHeaders, connect, createTestService, createTrigger, putUser, send } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

describe('requestLog', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(() => service.close());

  const requestLines = () => service.log.entries.filter((e) => e.message === 'request');

  it('logs one line per request with method, route pattern, status, duration, request id and app id', async () => {
    const record = (await service.storage.findAppByApiKey(service.apiKey))!;
    const answer = await putUser(service, 'ada');
    expect(requestLines()).toHaveLength(1);
    const [line] = requestLines();
    expect(line).toMatchObject({
      level: 'info',
      fields: { method: 'PUT', route: '/v1/users/:identifier', status: 200, requestId: answer.headers.get('X-Request-Id'), appId: record.id },
    });
    expect(line!.fields!['durationMs']).toBeGreaterThanOrEqual(0);
    expect(Object.keys(line!.fields!).sort()).toEqual(['appId', 'durationMs', 'method', 'requestId', 'route', 'status']);
  });

  it('leaves out the app id when no app was authenticated', async () => {
    await send(service, 'GET', '/v1/users/ada', { headers: { 'X-API-Key': 'unknown', 'X-API-Secret': 'x' } });
    expect(requestLines()[0]!.fields).not.toHaveProperty('appId');
    expect(requestLines()[0]!.fields).toMatchObject({ status: 401, route: '/v1/users/:identifier' });
  });

  it('keeps a well-formed X-Request-Id from the caller and replaces any other', async () => {
    const kept = await service.app.request('/healthz', { headers: { 'X-Request-Id': 'edge-42.a' } });
    const replaced = await service.app.request('/healthz', { headers: { 'X-Request-Id': 'has spaces"and quotes' } });
    expect(kept.headers.get('X-Request-Id')).toBe('edge-42.a');
    expect(replaced.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines().map((e) => e.fields!['requestId'])).toEqual(['edge-42.a', replaced.headers.get('X-Request-Id')]);
  });

  it('never logs secrets, tokens or bodies, through the JSON sink either', async () => {
    const lines: string[] = [];
    const json = createJsonLog((line) => lines.push(line));
    const [apiSecret, token, password, card] = ['sk-hunter2-very-secret', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl', 'p4ssw0rd-in-body', 'card-4111111111111111'] as const;
    const secrets = [apiSecret, token, password, card];
    await putUser(service, 'ada', { firstName: 'Ada', password, note: card });
    await send(service, 'POST', `/v1/notifications?token=${token}`, {
      headers: { ...backendHeaders(service), Authorization: `Bearer ${token}`, Cookie: `session=${apiSecret}` },
      body: createTrigger({ data: { apiSecret, password }, recipients: ['ada'] }),
    });
    await connect(service, 'ada');
    await send(service, 'GET', '/v1/me/notifications', { headers: { ...clientHeaders(service, 'ada'), Authorization: `Bearer ${token}` } });
    await send(service, 'GET', '/v1/users/ada', { headers: { 'X-API-Key': service.apiKey, 'X-API-Secret': apiSecret } });
    for (const entry of service.log.entries) json(entry.level, entry.message, entry.fields);

    expect(requestLines()).toHaveLength(5);
    const logged = JSON.stringify(service.log.entries) + lines.join('');
    for (const secret of [...secrets, service.apiSecret]) expect(logged).not.toContain(secret);
  });
});

describe('createJsonLog', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, log: createJsonLog((line) => lines.push(line), () => new Date('2030-01-02T03:04:05.000Z')) };
  };

  it('writes one JSON object per line: time, level, msg, then the fields', () => {
    const { lines, log } = capture();
    log('info', 'request', { method: 'GET', status: 200 });
    expect(lines).toEqual(['{"time":"2030-01-02T03:04:05.000Z","level":"info","msg":"request","method":"GET","status":200}\n']);
  });

  it('turns errors into name, message and stack', () => {
    const { lines, log } = capture();
    log('error', 'boom', { error: new TypeError('bad') });
    const entry = JSON.parse(lines[0]!);
    expect(entry.error).toMatchObject({ name: 'TypeError', message: 'bad' });
    expect(entry.error.stack).toContain('TypeError: bad');
  });

  it('redacts fields named like secrets, at any depth', () => {
    const { lines, log } = capture();
    log('warn', 'x', { apiSecret: 's1', nested: { userToken: 't1', Authorization: 'a1', 'x-api-key': 'k1', ok: 'visible' } });
    expect(lines[0]).not.toMatch(/s1|t1|a1|k1/);
    expect(JSON.parse(lines[0]!).nested.ok).toBe('visible');
  });

  it('redacts a secret-like field among plain string and number fields, on every line', () => {
    const { lines, log } = capture();
    log('info', 'request', { method: 'GET', apiSecret: 's1', status: 200 });
    log('info', 'request', { method: 'GET', apiSecret: 's2', status: 200 });
    expect(lines.map((line) => JSON.parse(line).apiSecret)).toEqual(['[redacted]', '[redacted]']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'GET', status: 200 });
  });

  it('still writes a line when a field cannot be serialised', () => {
    const { lines, log } = capture();
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    log('info', 'loop', { loop, big: 1n });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'loop', logError: 'fields could not be serialised' });
  });
});

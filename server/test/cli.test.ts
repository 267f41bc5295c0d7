// The CLI as operators run it: a real process from another cwd, through the bin file and tsx.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createTempDir } from './fixtures.ts';
import { openStream } from './realtime/sse-client.ts';
import { closeAdmin, createSchemaName, dropSchema, requirePostgres, TEST_DATABASE_URL } from './storage/postgres-fixtures.ts';

const BIN = fileURLToPath(new URL('../bin/belfry-server.js', import.meta.url));

interface Run {
  child: ChildProcess;
  /** Resolves with stdout once it holds `lines` lines. */
  lines(count: number): Promise<string[]>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function run(args: string[], options: { cwd: string; env?: Record<string, string> }): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of [
    'BELFRY_PORT',
    'BELFRY_HOST',
    'BELFRY_DATABASE_URL',
    'BELFRY_REDIS_URL',
    'BELFRY_API_KEY',
    'BELFRY_API_SECRET',
    'BELFRY_SECURE_MODE',
    'BELFRY_SIGNING_SECRET',
    'BELFRY_SIGNING_PUBLIC_KEY',
    'BELFRY_ALLOW_NON_EXPIRING_TOKENS',
    'BELFRY_APP_NAME',
  ]) {
    if (!options.env?.[name]) delete env[name];
  }
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    listeners.forEach((l) => l());
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    exit,
    lines: (count) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const lines = stdout.split('\n');
          if (lines.length > count) resolve(lines.slice(0, count));
        };
        listeners.push(check);
        void exit.then(() => reject(new Error(`exited early; stdout: ${stdout} stderr: ${stderr}`)));
        check();
      }),
  };
}

describe('belfry-server', () => {
  let temp: ReturnType<typeof createTempDir>;
  const children: ChildProcess[] = [];
  beforeEach(() => (temp = createTempDir()));
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    temp.cleanup();
  });

  const serve = (args: string[], env?: Record<string, string>) => {
    const r = run(['serve', ...args], { cwd: temp.dir, env });
    children.push(r.child);
    return r;
  };

  describe('serve', () => {
    it('prints the URL first, answers /healthz, prints new dev credentials once and exits 0 on SIGTERM', async () => {
      const database = `sqlite:${join(temp.dir, 'cli.db')}`;
      const server = serve(['--port', '0', '--database', database]);
      const [first, , keyLine, secretLine] = await server.lines(4);
      const url = /^belfry-server listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first!)?.[1];
      expect(url, first).toBeDefined();
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ ok: true });
      const apiKey = /BELFRY_API_KEY=(\S+)/.exec(keyLine!)![1]!;
      const apiSecret = /BELFRY_API_SECRET=(\S+)/.exec(secretLine!)![1]!;
      const user = await fetch(`${url}/v1/users/ada`, { method: 'PUT', headers: { 'X-API-Key': apiKey, 'X-API-Secret': apiSecret }, body: '{}' });
      expect(user.status).toBe(200);
      server.child.kill('SIGTERM');
      expect((await server.exit).code).toBe(0);
      expect(existsSync(join(temp.dir, 'cli.db'))).toBe(true);

      // The second start finds the app and prints no secret.
      const again = serve(['--port', '0', '--database', database]);
      await again.lines(1);
      again.child.kill('SIGINT');
      const { code, signal, stdout } = await again.exit;
      expect([code, signal]).toEqual([0, null]);
      expect(stdout).not.toContain('BELFRY_API_SECRET');
    });

    it('makes sure the app of BELFRY_API_KEY and BELFRY_API_SECRET exists, from the environment', async () => {
      const server = serve([], { BELFRY_PORT: '0', BELFRY_DATABASE_URL: 'sqlite::memory:', BELFRY_API_KEY: 'key-from-env', BELFRY_API_SECRET: 'secret-from-env', BELFRY_SECURE_MODE: '1' });
      const [first] = await server.lines(1);
      const url = first!.replace('belfry-server listening on ', '');
      const ok = await fetch(`${url}/v1/users/ada`, { method: 'PUT', headers: { 'X-API-Key': 'key-from-env', 'X-API-Secret': 'secret-from-env' }, body: '{}' });
      expect(ok.status).toBe(200);
      const client = await fetch(`${url}/v1/me/connect`, { method: 'POST', headers: { 'X-API-Key': 'key-from-env', 'X-User-Id': 'ada' } });
      expect((await client.json()).error.code).toBe('user_token_required');
      server.child.kill('SIGTERM');
      const { code, stdout } = await server.exit;
      expect(code).toBe(0);
      expect(stdout).not.toContain('secret-from-env');
    });
  });

  describe('serve, with an app name', () => {
    it('gives the app the name of --app-name or BELFRY_APP_NAME (the flag wins), and refuses a bad one', async () => {
      const env = { BELFRY_API_KEY: 'key-named', BELFRY_API_SECRET: 'secret-named', BELFRY_APP_NAME: 'From Env' };
      const database = `sqlite:${join(temp.dir, 'named.db')}`;
      const appOf = async (server: Run) => {
        const url = (await server.lines(1))[0]!.replace('belfry-server listening on ', '');
        const answer = await fetch(`${url}/v1/me/connect`, { method: 'POST', headers: { 'X-API-Key': 'key-named', 'X-User-Id': 'ada' } });
        server.child.kill('SIGTERM');
        expect((await server.exit).code).toBe(0);
        return ((await answer.json()) as { app: unknown }).app;
      };
      expect(await appOf(serve(['--port', '0', '--database', database, '--app-name', 'Acme Ünïcode'], env))).toEqual({ secureMode: false, name: 'Acme Ünïcode' });
      expect(await appOf(serve(['--port', '0', '--database', database], env))).toEqual({ secureMode: false, name: 'From Env' });

      const bad = serve(['--port', '0', '--database', database, '--app-name', 'x'.repeat(101)], env);
      const { code, stdout, stderr } = await bad.exit;
      expect([code, stdout]).toEqual([1, '']);
      expect(stderr).toContain('app name must be 1–100 characters');
    });
  });

  describe('serve, with user-token settings from the environment', () => {
    it('accepts HS256 tokens signed with BELFRY_SIGNING_SECRET and non-expiring RS256 tokens of BELFRY_SIGNING_PUBLIC_KEY (a file)', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const pemFile = join(temp.dir, 'public.pem');
      writeFileSync(pemFile, await exportSPKI(publicKey));
      const credentials = { BELFRY_API_KEY: 'key-t', BELFRY_API_SECRET: 'secret-t' };
      const server = serve([], {
        ...credentials,
        BELFRY_PORT: '0',
        BELFRY_DATABASE_URL: 'sqlite::memory:',
        BELFRY_SECURE_MODE: '1',
        BELFRY_SIGNING_SECRET: 'hs256-signing-key-for-tests',
        BELFRY_SIGNING_PUBLIC_KEY: pemFile,
        BELFRY_ALLOW_NON_EXPIRING_TOKENS: '1',
      });
      const url = (await server.lines(1))[0]!.replace('belfry-server listening on ', '');
      await fetch(`${url}/v1/users/ada`, { method: 'PUT', headers: { 'X-API-Key': 'key-t', 'X-API-Secret': 'secret-t' }, body: '{}' });
      const connectWith = async (token: string) =>
        (await fetch(`${url}/v1/me/connect`, { method: 'POST', headers: { 'X-API-Key': 'key-t', Authorization: `Bearer ${token}` } })).status;

      const hs256 = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ada').setIssuedAt().setExpirationTime('5m')
        .sign(new TextEncoder().encode('hs256-signing-key-for-tests'));
      const rs256 = await new SignJWT({ apiKey: 'key-t' }).setProtectedHeader({ alg: 'RS256' }).setSubject('user:ada').setIssuedAt().sign(privateKey);
      const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ada').setIssuedAt().setExpirationTime('5m')
        .sign(new TextEncoder().encode('not-the-signing-key'));
      expect(await connectWith(hs256)).toBe(200);
      expect(await connectWith(rs256)).toBe(200);
      expect(await connectWith(forged)).toBe(401);
      server.child.kill('SIGTERM');
      expect((await server.exit).code).toBe(0);
    });
  });

  describe('serve, two instances on PostgreSQL with --redis', () => {
    it('delivers a trigger sent through one instance to a stream open on the other', async () => {
      await requirePostgres();
      const schema = createSchemaName();
      const database = `${TEST_DATABASE_URL}?schema=${schema}`;
      const args = ['--port', '0', '--database', database, '--redis', 'redis://127.0.0.1:6379'];
      const env = { BELFRY_API_KEY: 'key-r', BELFRY_API_SECRET: 'secret-r' };
      try {
        const a = serve(args, env);
        const b = serve(args, env);
        const [urlA, urlB] = (await Promise.all([a.lines(1), b.lines(1)])).map(([line]) => line!.replace('belfry-server listening on ', ''));
        const client = { 'X-API-Key': 'key-r', 'X-User-Id': 'ada' };
        expect((await fetch(`${urlA}/v1/me/connect`, { method: 'POST', headers: client })).status).toBe(200);
        const stream = await openStream(`${urlA}/v1/me/events`, client);
        const sent = await fetch(`${urlB}/v1/notifications`, {
          method: 'POST',
          headers: { 'X-API-Key': 'key-r', 'X-API-Secret': 'secret-r', 'Content-Type': 'application/json' },
          body: JSON.stringify({ notification: { title: 'Across instances' }, sendTo: { recipients: ['ada'] } }),
        });
        expect(sent.status).toBe(202);
        const frame = await stream.next();
        expect(frame).toMatchObject({ event: 'notification.created', data: { notification: { title: 'Across instances' } } });
        stream.close();
        a.child.kill('SIGTERM');
        b.child.kill('SIGTERM');
        expect((await a.exit).code).toBe(0);
        expect((await b.exit).code).toBe(0);
      } finally {
        await dropSchema(schema);
        await closeAdmin();
      }
    });
  });

  describe('serve, on SIGTERM', () => {
    it('sends open streams a reconnect hint at once, ends them, and exits 0 within 10 s despite a stuck connection', async () => {
      const server = serve(['--port', '0', '--database', 'sqlite::memory:'], { BELFRY_API_KEY: 'key-1', BELFRY_API_SECRET: 'secret-1' });
      const [first] = await server.lines(1);
      const url = first!.replace('belfry-server listening on ', '');
      const client = { 'X-API-Key': 'key-1', 'X-User-Id': 'ada' };
      expect((await fetch(`${url}/v1/me/connect`, { method: 'POST', headers: client })).status).toBe(200);
      const stream = await fetch(`${url}/v1/me/events`, { headers: client });
      let streamEndedAt = 0;
      const text = stream.text().then((body) => ((streamEndedAt = Date.now()), body));
      // A client that never finishes its request headers.
      const port = Number(new URL(url).port);
      const stuck = connectTcp(port, '127.0.0.1');
      await new Promise((resolve) => stuck.once('connect', resolve));
      stuck.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      stuck.on('error', () => {});

      const signalled = Date.now();
      server.child.kill('SIGTERM');
      const { code, stderr } = await server.exit;
      stuck.destroy();
      expect(code).toBe(0);
      // The stuck connection holds the process for the grace period (8 s), never past 10 s.
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(7500);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(streamEndedAt - signalled).toBeLessThan(2000);
      const hint = /retry: (\d+)\n\n$/.exec(await text);
      expect(hint).not.toBeNull();
      expect(Number(hint![1])).toBeLessThanOrEqual(20_000);

      // Logs are JSON lines on stderr: one per request, and none carries the secret.
      const entries = stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(entries).toContainEqual(expect.objectContaining({ level: 'info', msg: 'request', method: 'POST', route: '/v1/me/connect', status: 200 }));
      expect(entries).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }));
      expect(stderr).not.toContain('secret-1');
    }, 30_000);
  });

  describe('serve on a busy port', () => {
    it('exits 1 with the reason on stderr', async () => {
      const blocker = createNetServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const { port } = blocker.address() as AddressInfo;
      try {
        const busy = serve(['--port', String(port), '--database', 'sqlite::memory:']);
        const { code, stdout, stderr } = await busy.exit;
        expect(code).toBe(1);
        expect(stdout).toBe('');
        expect(stderr).toContain('EADDRINUSE');
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  });

  describe('--help', () => {
    it('prints the usage and exits 0', async () => {
      const help = run(['--help'], { cwd: temp.dir });
      children.push(help.child);
      const { code, stdout } = await help.exit;
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: belfry-server serve [--port N] [--host H] [--database URL]');
    });

    it('exits 2 with the usage on stderr for an unknown option', async () => {
      const bad = run(['serve', '--bogus'], { cwd: temp.dir });
      children.push(bad.child);
      const { code, stderr } = await bad.exit;
      expect(code).toBe(2);
      expect(stderr).toContain('Usage:');
    });
  });
});

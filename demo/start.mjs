#!/usr/bin/env node
// `npm run demo`: builds the widget, starts belfry-server twice on SQLite files in a scratch folder
// (a development app, and an app in secure mode), and serves an example host page (on another
// origin than the services) with a small backend of its own. The page's "send" form posts to that
// backend, which calls the services through belfry/node, and in secure mode the same backend signs
// the widget's user tokens: the browser never holds an API secret or the signing secret.
//
// Environment: DEMO_PORT (page, default 5180), BELFRY_PORT (service, default 3210; 0 picks free
// ports for all three), BELFRY_SECURE_PORT (secure-mode service, default 3211), DEMO_DATA_DIR
// (default ./.demo), DEMO_SKIP_BUILD=1 (use the existing dist/).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { OPEN_APP, SECURE_APP } from './apps.mjs';
import { startDemoBackend } from './backend.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.DEMO_DATA_DIR ?? `${root}.demo`;
const host = '127.0.0.1';
const freePorts = process.env.BELFRY_PORT === '0';
let stopping = false;
const services = [];

if (process.env.DEMO_SKIP_BUILD !== '1') {
  console.log('Building the widget...');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('The build failed; see the errors above.');
    process.exit(1);
  }
}

/** Starts `belfry-server serve` for one app on its own database file; resolves with its URL. */
function startService(name, port, env) {
  const service = spawn(
    process.execPath,
    [`${root}server/bin/belfry-server.js`, 'serve', '--host', host, '--port', port, '--database', `sqlite:${dataDir}/${name}.db`],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  services.push(service);
  service.on('exit', (code) => {
    if (stopping) return;
    console.error(`belfry-server (${name}) exited (${code}); stopping the demo.`);
    stopping = true;
    for (const other of services) other.kill('SIGTERM');
    process.exit(1);
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: service.stdout }).once('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected first line from belfry-server (${name}): ${line}`));
    });
  });
}

mkdirSync(dataDir, { recursive: true });
// Each app gets a service of its own: the CLI configures one app per process (design §10).
const [openUrl, secureUrl] = await Promise.all([
  startService('belfry', process.env.BELFRY_PORT ?? '3210', {
    BELFRY_API_KEY: OPEN_APP.apiKey,
    BELFRY_API_SECRET: OPEN_APP.apiSecret,
  }),
  startService('belfry-secure', freePorts ? '0' : (process.env.BELFRY_SECURE_PORT ?? '3211'), {
    BELFRY_API_KEY: SECURE_APP.apiKey,
    BELFRY_API_SECRET: SECURE_APP.apiSecret,
    BELFRY_SECURE_MODE: '1',
    BELFRY_SIGNING_SECRET: SECURE_APP.signingSecret,
  }),
]);

const page = await startDemoBackend({
  host,
  port: Number(process.env.DEMO_PORT ?? (freePorts ? 0 : 5180)),
  root,
  apps: {
    open: { ...OPEN_APP, serviceUrl: openUrl },
    secure: { ...SECURE_APP, serviceUrl: secureUrl },
  },
});

console.log(`Belfry service: ${openUrl}`);
console.log(`Belfry service in secure mode: ${secureUrl}`);
console.log(`Belfry demo: ${page.url}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    stopping = true;
    // Wait for the services' graceful shutdown, so nothing of the demo outlives its process.
    const exited = services.filter((service) => service.exitCode === null).map((service) => new Promise((resolve) => service.once('exit', resolve)));
    for (const service of services) service.kill('SIGTERM');
    await Promise.all([page.close(), ...exited]);
    process.exit(0);
  });
}

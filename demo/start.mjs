#!/usr/bin/env node
// `npm run demo`: builds the widget, starts belfry-server on a SQLite file in a scratch folder, and
// serves an example host page (on another origin than the service) with a small backend of its
// own. The page's "send" form posts to that backend, which calls the service through belfry/node:
// the browser never holds the API secret.
//
// Environment: DEMO_PORT (page, default 5180), BELFRY_PORT (service, default 3210; 0 picks free
// ports for both), DEMO_DATA_DIR (default ./.demo), DEMO_SKIP_BUILD=1 (use the existing dist/).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startDemoBackend } from './backend.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.DEMO_DATA_DIR ?? `${root}.demo`;
const host = '127.0.0.1';
// Fixed development credentials: this app exists only in the demo's own database.
const apiKey = 'demo_public_key';
const apiSecret = 'demo_secret_do_not_use_in_production';

if (process.env.DEMO_SKIP_BUILD !== '1') {
  console.log('Building the widget...');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('The build failed; see the errors above.');
    process.exit(1);
  }
}

mkdirSync(dataDir, { recursive: true });
const service = spawn(
  process.execPath,
  [`${root}server/bin/belfry-server.js`, 'serve', '--host', host, '--port', process.env.BELFRY_PORT ?? '3210', '--database', `sqlite:${dataDir}/belfry.db`],
  { cwd: root, env: { ...process.env, BELFRY_API_KEY: apiKey, BELFRY_API_SECRET: apiSecret }, stdio: ['ignore', 'pipe', 'inherit'] },
);
service.on('exit', (code) => {
  if (!stopping) {
    console.error(`belfry-server exited (${code}); stopping the demo.`);
    process.exit(1);
  }
});

let stopping = false;
const serviceUrl = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: service.stdout });
  lines.once('line', (line) => {
    const match = /listening on (http:\/\/\S+)/.exec(line);
    if (match) resolve(match[1]);
    else reject(new Error(`unexpected first line from belfry-server: ${line}`));
  });
});

const page = await startDemoBackend({
  host,
  port: Number(process.env.DEMO_PORT ?? (process.env.BELFRY_PORT === '0' ? 0 : 5180)),
  root,
  serviceUrl,
  apiKey,
  apiSecret,
});

console.log(`Belfry service: ${serviceUrl}`);
console.log(`Belfry demo: ${page.url}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    stopping = true;
    service.kill('SIGTERM');
    await page.close();
    process.exit(0);
  });
}

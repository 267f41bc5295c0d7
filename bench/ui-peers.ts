// Other vendors' web inboxes, measured with the same parse-and-execute page and clock as Belfry's
// bell, for the comparison issue 5 makes (Courier's web components, Novu's inbox). Their packages
// are not dependencies of this project: BENCH_UI_PEERS names a folder where they were installed
// (`npm install --prefix DIR @trycourier/courier-ui-inbox @novu/js`). Each is bundled here with
// esbuild into one minified IIFE that mounts its inbox, as a script-tag build of it would; neither
// has a backend here, so what is timed is their code up to their bell, like Belfry's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { MountSubject } from './ui-pages.ts';

/** One vendor's inbox, bundled and ready to serve. */
export interface PeerBundle {
  /** e.g. `Courier @trycourier/courier-ui-inbox 2.4.7`. */
  label: string;
  /** The bundle's text (minified IIFE). */
  text: string;
  subject: MountSubject;
}

// What each bundle runs and where its bell ends up (found by looking at the mounted DOM).
const PEERS = [
  {
    name: 'Courier',
    pkg: '@trycourier/courier-ui-inbox',
    // Importing the package defines its custom elements; the element in the page upgrades.
    entry: `import '@trycourier/courier-ui-inbox';`,
    markup: '<courier-inbox-popup-menu></courier-inbox-popup-menu>',
    findBell: `(() => { const b = document.querySelector('courier-inbox-popup-menu courier-inbox-menu-button courier-icon-button'); return b && b.shadowRoot && b.shadowRoot.querySelector('button'); })()`,
  },
  {
    name: 'Novu',
    pkg: '@novu/js',
    entry: `import { NovuUI } from '@novu/js/ui';
new NovuUI({ options: { applicationIdentifier: 'bench-app', subscriberId: 'bench-user' } }).mountComponent({ name: 'Inbox', element: document.getElementById('novu-inbox') });`,
    markup: '<div id="novu-inbox"></div>',
    findBell: `document.querySelector('#novu-inbox button.nv-inbox__popoverTrigger')`,
  },
];

/** Bundles every peer installed under `dir` (its `node_modules`); throws naming a missing one. */
export async function bundlePeers(dir: string): Promise<PeerBundle[]> {
  const bundles: PeerBundle[] = [];
  for (const peer of PEERS) {
    const manifest = join(dir, 'node_modules', peer.pkg, 'package.json');
    let version: string;
    try {
      version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    } catch {
      throw new Error(`${peer.pkg} is not installed in ${dir}: npm install --prefix ${dir} ${PEERS.map((p) => p.pkg).join(' ')}`);
    }
    const out = await build({
      stdin: { contents: peer.entry, resolveDir: dir, loader: 'js' },
      bundle: true,
      format: 'iife',
      minify: true,
      write: false,
      platform: 'browser',
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: { '.css': 'text' },
      logLevel: 'error',
    });
    const path = `/peer-${peer.name.toLowerCase()}.js`;
    bundles.push({ label: `${peer.name} ${peer.pkg} ${version}`, text: out.outputFiles[0]!.text, subject: { script: path, markup: peer.markup, findBell: peer.findBell } });
  }
  return bundles;
}

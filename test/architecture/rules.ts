// The import rules of design §3, as data and one checker, so a test can run them over the real
// tree and over deliberately broken samples (proving the check can fail).

/** Which modules and packages each browser-side module may import. */
export const LAYER_RULES: Record<string, { modules: string[]; packages: string[] }> = {
  'src/protocol': { modules: [], packages: [] },
  'src/template': { modules: [], packages: [] },
  'src/core': { modules: ['src/protocol', 'src/template'], packages: ['@preact/signals-core', 'idb-keyval'] },
  'src/ui': { modules: ['src/core', 'src/protocol', 'src/template'], packages: ['preact', '@preact/signals-core'] },
  'src/element': { modules: ['src/ui', 'src/core', 'src/protocol'], packages: ['preact'] },
  'src/node': { modules: ['src/protocol', 'src/template'], packages: ['jose'] },
};

const IMPORT = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.])import\s+['"]([^'"]+)['"]/g;

const moduleOf = (path: string) => Object.keys(LAYER_RULES).find((m) => path === m || path.startsWith(m + '/'));
const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2) : spec.split('/').slice(0, 1)).join('/');

/** Resolves `spec` relative to the file at `path` (both posix, relative to the project root). */
function resolveRelative(path: string, spec: string): string {
  const parts = path.split('/').slice(0, -1);
  for (const segment of spec.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

/** Lists every import in `files` that breaks the layer rules. */
export function findLayerViolations(files: { path: string; text: string }[]): string[] {
  const problems: string[] = [];
  for (const { path, text } of files) {
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3];
      if (!spec) continue;
      if (path.startsWith('server/')) {
        if (spec.startsWith('.') && !resolveRelative(path, spec).startsWith('server/')) problems.push(`${path}: ${spec} leaves server/`);
        if (/^belfry\/(ui|element)/.test(spec)) problems.push(`${path}: ${spec} is browser UI code`);
        continue;
      }
      const own = moduleOf(path);
      if (!own) continue;
      const rules = LAYER_RULES[own]!;
      if (spec.startsWith('.')) {
        const target = resolveRelative(path, spec).replace(/\.(ts|tsx)$/, '');
        const targetModule = moduleOf(target);
        if (!targetModule || targetModule === own) continue;
        if (!rules.modules.includes(targetModule)) problems.push(`${path}: ${own} may not import ${targetModule}`);
        else if (target !== `${targetModule}/index`) problems.push(`${path}: import ${targetModule}'s index, not ${target}`);
      } else if (spec.startsWith('node:')) {
        if (own !== 'src/node') problems.push(`${path}: only src/node may use ${spec}`);
      } else if (!rules.packages.includes(packageName(spec))) {
        problems.push(`${path}: ${own} may not import the package ${spec}`);
      }
    }
  }
  return problems;
}

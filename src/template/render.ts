// Evaluates a compiled template against a context. Every substituted value becomes a plain text
// node and is never parsed again, so a value cannot add formatting, links or markup; a link whose
// final URL fails the allow-list is dropped and its text kept.
import { compileTemplate } from './compile.ts';
import { applyFilter, toScalar, toText, type FilterEnv, type Scalar } from './filters.ts';
import { isSafeUrl } from './url.ts';
import type { CompiledNode, CompiledPart, CompiledTemplate, Expression, TemplateContext, TemplateNode } from './types.ts';

// Notifications repeat a handful of sources; memoize them, oldest first out. Very long sources
// are compiled each time rather than pinned in memory.
const CACHE_SIZE = 500;
const CACHEABLE_LENGTH = 10_000;
const compiled = new Map<string, CompiledTemplate>();

/** Renders a template source (or a compiled template) to safe AST nodes with the given values. */
export function renderTemplate(template: string | CompiledTemplate, context: TemplateContext): TemplateNode[] {
  const scope: Scope = {
    context: context ?? {},
    env: { locale: context?.locale, timeZone: context?.timeZone, now: context?.now ?? Date.now },
  };
  const out: TemplateNode[] = [];
  renderNodes(resolve(template).nodes, scope, out);
  return out;
}

/** Renders a template to plain text (line breaks as `\n`), for labels, toasts and other channels. */
export function renderText(template: string | CompiledTemplate, context: TemplateContext): string {
  return flatten(renderTemplate(template, context));
}

interface Scope {
  context: TemplateContext;
  env: FilterEnv;
}

function resolve(template: string | CompiledTemplate | null | undefined): CompiledTemplate {
  if (typeof template !== 'string') return template ?? compileTemplate('');
  let found = compiled.get(template);
  if (found) {
    // Re-insert so the Map's order is least recently used first.
    compiled.delete(template);
  } else {
    found = compileTemplate(template);
    if (template.length > CACHEABLE_LENGTH) return found;
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  }
  compiled.set(template, found);
  return found;
}

function renderNodes(nodes: readonly CompiledNode[], scope: Scope, out: TemplateNode[]): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        appendText(out, node.value);
        break;
      case 'value':
        appendText(out, evaluate(node.expression, scope));
        break;
      case 'br':
        out.push({ type: 'br' });
        break;
      case 'code': {
        const value = renderParts(node.parts, scope);
        if (value) out.push({ type: 'code', value });
        break;
      }
      case 'strong':
      case 'em': {
        const children: TemplateNode[] = [];
        renderNodes(node.children, scope, children);
        if (children.length > 0) out.push({ type: node.type, children });
        break;
      }
      case 'link': {
        const href = renderParts(node.href, scope).trim();
        const children: TemplateNode[] = [];
        renderNodes(node.children, scope, children);
        if (!isSafeUrl(href)) for (const child of children) child.type === 'text' ? appendText(out, child.value) : out.push(child);
        else out.push({ type: 'link', href, children: children.length > 0 ? children : [{ type: 'text', value: href }] });
        break;
      }
    }
  }
}

function renderParts(parts: readonly CompiledPart[], scope: Scope): string {
  let text = '';
  for (const part of parts) text += part.type === 'text' ? part.value : evaluate(part.expression, scope);
  return text;
}

function evaluate(expression: Expression, scope: Scope): string {
  let value: Scalar = toScalar(lookup(scope.context, expression.path));
  for (const filter of expression.filters) value = applyFilter(filter, value, scope.env);
  return toText(value);
}

// Own properties only, so `data.constructor` or `data.__proto__` never reach a prototype.
// Unknown roots read nothing.
function lookup(context: TemplateContext, path: readonly string[]): unknown {
  const root = path[0];
  let value: unknown = root === 'recipient' || root === 'data' || root === 'app' ? context[root] : undefined;
  for (let k = 1; k < path.length; k++) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, path[k]!)) return undefined;
    value = (value as Record<string, unknown>)[path[k]!];
  }
  return value;
}

function appendText(nodes: TemplateNode[], value: string): void {
  if (!value) return;
  const last = nodes[nodes.length - 1];
  if (last?.type === 'text') last.value += value;
  else nodes.push({ type: 'text', value });
}

function flatten(nodes: readonly TemplateNode[]): string {
  let text = '';
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'code') text += node.value;
    else if (node.type === 'br') text += '\n';
    else text += flatten(node.children);
  }
  return text;
}

// Evaluates a compiled template against a context. Every substituted value becomes a plain text
// node and is never parsed again, so a value cannot add formatting, links or markup; a link whose
// final URL fails the allow-list is dropped and its text kept.
import { appendNode, compileTemplate } from './compile.ts';
import { applyFilter, toScalar, toText, type Scalar } from './filters.ts';
import { isSafeUrl } from './url.ts';
import type { CompiledNode, CompiledTemplate, TemplateContext, TemplateNode, ValuePart } from './types.ts';

/** Renders a template source (or a compiled template) to safe AST nodes with the given values. */
export function renderTemplate(template: string | CompiledTemplate, context: TemplateContext): TemplateNode[] {
  return renderNodes((typeof template == 'string' ? compileTemplate(template) : template)?.nodes ?? [], context ?? {});
}

/** Renders a template to plain text (line breaks as `\n`), for labels, toasts and other channels. */
export function renderText(template: string | CompiledTemplate, context: TemplateContext): string {
  return textOf(renderTemplate(template, context));
}

function renderNodes(nodes: readonly CompiledNode[], context: TemplateContext, out: TemplateNode[] = []): TemplateNode[] {
  for (const node of nodes) {
    const type = node.type;
    if (type == 'text' || type == 'value') {
      const value = type == 'text' ? node.value : evaluate(node, context);
      if (value) appendNode(out, { type: 'text', value });
    } else if (type == 'br') out.push({ type });
    else {
      const children = renderNodes(node.children, context);
      if (type == 'code') {
        const value = textOf(children);
        if (value) out.push({ type, value });
      } else if (type != 'link') {
        if (children.length) out.push({ type, children });
      } else {
        const href = textOf(renderNodes(node.href, context)).trim();
        if (isSafeUrl(href)) out.push({ type, href, children: children.length ? children : [{ type: 'text', value: href }] });
        else for (const child of children) appendNode(out, child);
      }
    }
  }
  return out;
}

function evaluate({ path, filters }: ValuePart, context: TemplateContext): string {
  // Own properties only, so `data.constructor` or `data.__proto__` never reach a prototype.
  // Unknown roots read nothing.
  let value: unknown = /^(recipient|data|app)$/.test(path[0]!) ? context[path[0] as 'data'] : undefined;
  for (const key of path.slice(1)) value = value && typeof value == 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  let scalar: Scalar = toScalar(value);
  for (const [name, arg] of filters) scalar = applyFilter(name, arg, scalar, context);
  return toText(scalar);
}

function textOf(nodes: readonly TemplateNode[]): string {
  let text = '';
  for (const node of nodes) text += 'value' in node ? node.value : 'children' in node ? textOf(node.children) : '\n';
  return text;
}

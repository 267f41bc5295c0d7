// The public rendering calls: a template source and a context in, safe nodes or plain text out.
import { scan } from './scan.ts';
import type { TemplateContext, TemplateNode } from './types.ts';

/**
 * Renders a template source to safe AST nodes with the given values; never throws (malformed
 * syntax stays literal text).
 */
export function renderTemplate(source: string, context: TemplateContext): TemplateNode[] {
  return scan(typeof source == 'string' ? source : '', context ?? {});
}

/** Renders a template to plain text (line breaks as `\n`), for labels, toasts and other channels. */
export function renderText(source: string, context: TemplateContext): string {
  return textOf(renderTemplate(source, context));
}

function textOf(nodes: readonly TemplateNode[]): string {
  let text = '';
  for (const node of nodes) text += 'value' in node ? node.value : 'children' in node ? textOf(node.children) : '\n';
  return text;
}

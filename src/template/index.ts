// The template engine (design §6): source -> safe AST. Imports nothing.
export { checkTemplate } from './check.ts';
export { formatDate } from './filters.ts';
export { renderTemplate, renderText } from './render.ts';
export { isSafeImageUrl, isSafeUrl } from './url.ts';
export type { TemplateNode, TemplateContext, TemplateProblem } from './types.ts';

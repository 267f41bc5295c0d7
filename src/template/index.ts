// The template engine (design §6): source -> safe AST. Imports nothing.
export { compileTemplate } from './compile.ts';
export { checkTemplate } from './check.ts';
export { renderTemplate, renderText } from './render.ts';
export { isSafeUrl } from './url.ts';
export type { TemplateNode, TemplateContext, CompiledTemplate, TemplateProblem } from './types.ts';

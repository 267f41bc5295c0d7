// The template engine (design §6): source -> safe AST. Imports nothing.
export { compileTemplate, checkTemplate } from './compile.ts';
export { renderTemplate, renderText } from './render.ts';
export { isSafeUrl } from './url.ts';
export type { TemplateNode, TemplateContext, CompiledTemplate } from './types.ts';

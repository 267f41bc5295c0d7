// Renders the template engine's safe AST as Preact elements. Text nodes become text children,
// never markup, so a value like `<img onerror>` shows literally.
import type { ComponentChild } from 'preact';
import { isSafeUrl } from '../template/index.ts';
import type { TemplateNode } from '../template/index.ts';

/** Props of `RichText`. */
export interface RichTextProps {
  nodes: readonly TemplateNode[];
  /** False inside another interactive control (a link inside a link is invalid): links show as text. */
  links?: boolean;
}

/** Renders `TemplateNode[]` as Preact elements; links only when their href is safe. */
export function RichText({ nodes, links = true }: RichTextProps) {
  return <>{renderNodes(nodes, links)}</>;
}

function renderNodes(nodes: readonly TemplateNode[], links: boolean): ComponentChild[] {
  return nodes.map((node, key) => renderNode(node, key, links));
}

function renderNode(node: TemplateNode, key: number, links: boolean): ComponentChild {
  switch (node.type) {
    case 'text':
      return node.value;
    case 'strong':
    case 'em': {
      const Tag = node.type;
      return <Tag key={key}>{renderNodes(node.children, links)}</Tag>;
    }
    case 'code':
      return <code key={key}>{node.value}</code>;
    case 'br':
      return <br key={key} />;
    case 'link':
      // The engine already drops unsafe links; checking again here means a hostile AST from any
      // other source (cache, a custom render) still cannot produce a javascript: link.
      if (links && isSafeUrl(node.href)) {
        return (
          <a key={key} href={node.href} rel="noopener noreferrer" target="_blank">
            {renderNodes(node.children, links)}
          </a>
        );
      }
      return <span key={key}>{renderNodes(node.children, links)}</span>;
  }
}

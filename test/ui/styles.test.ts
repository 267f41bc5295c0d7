import { describe, expect, it } from 'vitest';
import { itemCss } from '../../src/ui/item-styles.ts';
import { preferencesCss } from '../../src/ui/preferences-styles.ts';
import { css } from '../../src/ui/styles.ts';

// WCAG 2.x relative luminance and contrast ratio of two #rrggbb colours.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The theme's own colours (`--_name:#hex`), from the rule that sets `--_bg`, in the order the themes appear. */
function themes(): Record<string, string>[] {
  const blocks = css.match(/--_bg:[^}]*/g)!;
  return blocks.slice(0, 2).map((block) => Object.fromEntries([...block.matchAll(/--_([\w-]+):(#[0-9a-f]{6}|#[0-9a-f]{3})\b/g)].map(([, name, hex]) => [name!, hex!.length === 4 ? `#${[...hex!.slice(1)].map((c) => c + c).join('')}` : hex!])));
}

describe('styles', () => {
  // Text and the backgrounds it is shown on; 4.5:1 is WCAG AA for text under 18.66px bold / 24px.
  const PAIRS: [string, string][] = [
    ['fg', 'bg'],
    ['fg', 'unread-bg'],
    ['muted', 'bg'],
    ['muted', 'unread-bg'],
    ['muted', 'hover'],
    ['accent', 'bg'],
    ['accent', 'unread-bg'],
    ['accent', 'hover'],
    ['badge-fg', 'badge'],
    ['error', 'bg'],
  ];

  it.each(['light', 'dark'].map((name, i) => [name, i] as const))('gives every text colour AA contrast in the %s theme', (_name, index) => {
    const theme = themes()[index]!;
    for (const [text, background] of PAIRS) {
      expect(theme[text], text).toBeDefined();
      expect(contrast(theme[text]!, theme[background]!), `${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('moves nothing unless the user has no preference against motion', () => {
    // Transitions and the skeleton's pulse live only inside the no-preference query, so reduce needs no override.
    const all = css + itemCss + preferencesCss;
    const motion = all.match(/@media \(prefers-reduced-motion:no-preference\)\{([^{}]*\{[^{}]*\})*\}/g) ?? [];
    expect(motion).toHaveLength(1);
    expect(all.replace(motion[0]!, '')).not.toMatch(/transition|animation|scroll-behavior:smooth/);
    expect(motion[0]).toMatch(/transition:/);
    expect(motion[0]).toMatch(/\.skeleton\{animation:pulse /);
    expect(all).toMatch(/@keyframes pulse\{/);
  });

  it('lays out with logical properties only, so right-to-left needs no other stylesheet', () => {
    expect(css + itemCss + preferencesCss).not.toMatch(/[{;](margin|padding|border)-(left|right)\b|[{;](left|right):|text-align:(left|right)|float:/);
  });
});

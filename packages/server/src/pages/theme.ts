/**
 * The brand the pages wear (GATEHOUSE_THEME, docs/branding.md): the product's name and logo,
 * its colours, its support and privacy links, and optional extra CSS. Loaded and checked by
 * config/theme.ts; the default is Gatehouse's own.
 */
export interface Theme {
  productName: string;
  /** An https URL or a path on our origin (`/...`); none: the name alone. */
  logoUrl?: string;
  colors: ThemeColors;
  supportUrl?: string;
  privacyUrl?: string;
  /** The contents of the extra CSS file, served after the theme's custom properties. */
  extraCss?: string;
}

/** Each colour is a CSS custom property of the stylesheet (pages/assets/gatehouse.css). */
export const THEME_COLORS = {
  primary: '--brand',
  primary_hover: '--brand-dark',
  /** Text on primary buttons. */
  primary_text: '--on-brand',
  text: '--ink',
  muted: '--muted',
  border: '--line',
  background: '--bg',
  surface: '--surface',
  danger: '--danger',
} as const;

export type ThemeColors = Partial<Record<keyof typeof THEME_COLORS, string>>;

export const DEFAULT_THEME: Theme = { productName: 'Gatehouse', colors: {} };

/**
 * /assets/theme.css: the theme's colours as custom properties, then its extra CSS. A file of
 * our origin, so the pages' `style-src 'self'` allows it and no inline style is needed.
 * The colours were validated (config/theme.ts): none can close the rule it sits in.
 */
export function themeStylesheet(theme: Theme): string {
  const props = Object.entries(theme.colors)
    .map(([name, value]) => `  ${THEME_COLORS[name as keyof typeof THEME_COLORS]}: ${value};`)
    .join('\n');
  const root = props ? `:root {\n${props}\n}\n` : '';
  return `${root}${theme.extraCss ?? ''}`;
}

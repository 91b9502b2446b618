import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_THEME, THEME_COLORS, type Theme, type ThemeColors } from '../pages/theme.ts';

const VAR = 'GATEHOUSE_THEME';
const FIELDS = ['product_name', 'logo_url', 'colors', 'support_url', 'privacy_url', 'extra_css'];
/** #rgb, #rgba, #rrggbb, #rrggbbaa; rgb()/hsl()/oklch()... of numbers; or a colour keyword. */
const COLOR =
  /^(?:#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})|(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\([0-9.%\s,/+-]+\)|[a-z]{3,20})$/i;
const MAX_EXTRA_CSS = 256 * 1024;
/** An image inline in the theme: the pages' CSP allows `img-src data:`, and an <img> runs no script. */
const IMAGE_DATA = /^data:image\/(?:png|gif|jpeg|webp|svg\+xml)[;,][^\s"]*$/;

/**
 * Reads the theme file GATEHOUSE_THEME names (docs/branding.md) and checks every field, with
 * an error that names the variable, the file and each problem: a server must not start
 * half-branded. `extra_css` is read here too (relative to the theme file), once.
 */
export function loadThemeFile(path: string): Theme {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`${VAR}: cannot read ${path}: ${e.code ?? e.message}`);
  }
  const problems: string[] = [];
  const theme = parseTheme(raw, problems, dirname(resolve(path)));
  if (problems.length > 0 || !theme)
    throw new Error(`${VAR}: ${path} is not a valid theme: ${problems.join('; ')}`);
  return theme;
}

function parseTheme(raw: unknown, problems: string[], baseDir: string): Theme | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push('it must be a JSON object');
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!FIELDS.includes(k)) problems.push(`unknown field "${k}" (known: ${FIELDS.join(', ')})`);
  const productName = text(o.product_name, 'product_name', problems) ?? DEFAULT_THEME.productName;
  const theme: Theme = { productName, colors: colors(o.colors, problems) };
  const logo = text(o.logo_url, 'logo_url', problems);
  if (logo !== undefined) {
    if (isHttpsUrl(logo) || /^\/(?!\/)[^\s\\]*$/.test(logo) || IMAGE_DATA.test(logo)) theme.logoUrl = logo;
    else
      problems.push(
        `logo_url must be an https URL, a path on this server ("/...") or a data:image/ URL, got "${logo.slice(0, 80)}"`,
      );
  }
  for (const [field, key] of [
    ['support_url', 'supportUrl'],
    ['privacy_url', 'privacyUrl'],
  ] as const) {
    const url = text(o[field], field, problems);
    if (url === undefined) continue;
    if (isHttpsUrl(url) || url.startsWith('mailto:')) theme[key] = url;
    else problems.push(`${field} must be an https URL or a mailto: address, got "${url}"`);
  }
  const css = text(o.extra_css, 'extra_css', problems);
  if (css !== undefined) theme.extraCss = extraCss(resolve(baseDir, css), problems);
  return theme;
}

function text(v: unknown, field: string, problems: string[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v.trim() !== '' && v.length <= 64 * 1024) return v.trim();
  problems.push(`${field} must be a non-empty string`);
  return undefined;
}

function isHttpsUrl(v: string): boolean {
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
}

function colors(v: unknown, problems: string[]): ThemeColors {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push('colors must be an object');
    return {};
  }
  const out: ThemeColors = {};
  for (const [name, value] of Object.entries(v)) {
    if (!(name in THEME_COLORS)) {
      problems.push(`colors.${name} is not a theme colour (known: ${Object.keys(THEME_COLORS).join(', ')})`);
      continue;
    }
    if (typeof value !== 'string' || !COLOR.test(value.trim())) {
      problems.push(
        `colors.${name} must be a CSS colour such as "#1f4fd1" or "rgb(31 79 209)", got ${JSON.stringify(value)}`,
      );
      continue;
    }
    out[name as keyof ThemeColors] = value.trim();
  }
  return out;
}

function extraCss(path: string, problems: string[]): string | undefined {
  let css: string;
  try {
    css = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`extra_css: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    return undefined;
  }
  if (css.length > MAX_EXTRA_CSS) problems.push(`extra_css: ${path} is larger than 256 KB`);
  return css;
}

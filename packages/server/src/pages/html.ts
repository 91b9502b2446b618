import escapeHtml from 'escape-html';

/** HTML that is already safe: produced by {@link html} or explicitly marked {@link trusted}. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks a string as safe HTML. Only for markup written in this code base, never for input. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

type Value = string | number | SafeHtml | null | undefined | false | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/**
 * Escapes every interpolation unless it is SafeHtml: the safe thing is the default, the
 * unsafe thing has to be spelled out.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Value) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

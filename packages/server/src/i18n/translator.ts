import { html, SafeHtml } from '../pages/html.ts';
import { type Catalog, DEFAULT_LOCALE, type Locale, type MessageKey } from './catalogs.ts';
import type { Message } from './message.ts';

/** Values put into a message's `{name}` placeholders; `count` also picks the plural form. */
export type TextVars = Readonly<Record<string, string | number>>;

/** Placeholders of a message rendered as HTML: SafeHtml values go in unescaped. */
export type Vars = Readonly<Record<string, string | number | SafeHtml>>;

/** A message to be shown later in whatever locale the page is in (flow steps carry these). */
export interface Text {
  key: MessageKey;
  vars?: TextVars;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/**
 * Turns catalog keys into text in one locale. Plurals go through `Intl.PluralRules`, numbers
 * and dates through `Intl.NumberFormat` and `Intl.DateTimeFormat` of the same locale.
 */
export class Translator {
  readonly tag: string;
  readonly dir: 'ltr' | 'rtl';
  private readonly catalog: Catalog;
  private readonly plurals: Intl.PluralRules;
  private readonly numbers: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;

  constructor(locale: Pick<Locale, 'tag' | 'dir' | 'catalog'> = DEFAULT_LOCALE) {
    this.tag = locale.tag;
    this.dir = locale.dir;
    this.catalog = locale.catalog;
    this.plurals = new Intl.PluralRules(locale.tag);
    this.numbers = new Intl.NumberFormat(locale.tag);
    this.dates = new Intl.DateTimeFormat(locale.tag, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
      timeZoneName: 'short',
    });
  }

  /** The message as plain text (escape it like any other text: `html` does). */
  t(key: MessageKey, vars: TextVars = {}): string {
    return this.template(key, vars).replace(PLACEHOLDER, (whole, name: string) => {
      const v = vars[name];
      return v === undefined ? whole : this.value(v);
    });
  }

  /**
   * The message as HTML: its own text escaped, string variables escaped, SafeHtml variables
   * (a `<strong>` around a name, say) put in as they are.
   */
  html(key: MessageKey, vars: Vars = {}): SafeHtml {
    const template = this.template(key, vars);
    let out = '';
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      const v = vars[m[1] as string];
      out += html`${template.slice(last, m.index)}`.value;
      out +=
        v === undefined
          ? html`${m[0]}`.value
          : v instanceof SafeHtml
            ? v.value
            : html`${this.value(v)}`.value;
      last = m.index + m[0].length;
    }
    return new SafeHtml(out + html`${template.slice(last)}`.value);
  }

  /** The Text of a flow step or a service, in this locale. */
  text(text: Text): string {
    return this.t(text.key, text.vars);
  }

  /** A date and time, in UTC, saying so (the console shows every time in UTC). */
  date(d: Date): string {
    return this.dates.format(d);
  }

  /** A list such as "Pro or Enterprise", joined the way the locale joins it. */
  or(items: readonly string[]): string {
    return new Intl.ListFormat(this.tag, { type: 'disjunction' }).format(items);
  }

  private value(v: string | number): string {
    return typeof v === 'number' ? this.numbers.format(v) : v;
  }

  private template(key: MessageKey, vars: Vars): string {
    const message: Message = this.catalog[key];
    if (typeof message === 'string') return message;
    const count = vars.count;
    const category = typeof count === 'number' ? this.plurals.select(count) : 'other';
    return message[category] ?? message.other;
  }
}

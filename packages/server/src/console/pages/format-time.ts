import type { Translator } from '../../i18n/translator.ts';

/** A time as the console's tables show it: in the page's locale through Intl, in UTC; `Never` for none. */
export function formatTime(t: Translator, d: Date | null): string {
  return d === null ? t.t('console.never') : t.date(d);
}

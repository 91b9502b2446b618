import { ValidationError } from '../errors.ts';
import { type Text, Translator } from './translator.ts';

const english = new Translator();

/**
 * A ValidationError whose problems are catalog texts: `fields` (JSON bodies, the CLI) says
 * them in English, from the English catalog; a page says them in its own locale from `texts`.
 */
export function invalidInput(texts: Readonly<Record<string, Text>>): ValidationError {
  const fields = Object.fromEntries(
    Object.entries(texts).map(([field, text]) => [field, english.text(text)]),
  );
  return new ValidationError(Object.values(fields).join('; '), fields, texts);
}

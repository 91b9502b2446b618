/**
 * A catalog message: a plain string with `{name}` placeholders, or one string per plural
 * category (`Intl.PluralRules`) chosen by the `count` variable. `other` is always required,
 * because every language has it.
 */
export type Message = string | PluralMessage;

export type PluralMessage = { readonly other: string } & {
  readonly [C in Exclude<Intl.LDMLPluralRule, 'other'>]?: string;
};

/**
 * The same keys as `source`, each with a message of its own: a locale that misses a key, or
 * has one `source` lacks, does not compile.
 */
export type Messages<Source extends Record<string, Message>> = { readonly [K in keyof Source]: Message };

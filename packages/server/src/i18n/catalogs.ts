import type { Message, Messages } from './message.ts';
import * as authorize from './messages/authorize.ts';
import * as consolePages from './messages/console.ts';
import * as consoleAppForm from './messages/console-app-form.ts';
import * as consoleApps from './messages/console-apps.ts';
import * as consoleAudit from './messages/console-audit.ts';
import * as consoleMembers from './messages/console-members.ts';
import * as consoleRegistration from './messages/console-registration.ts';
import * as consoleWebhooks from './messages/console-webhooks.ts';
import * as delegation from './messages/delegation.ts';
import * as device from './messages/device.ts';
import * as frame from './messages/frame.ts';
import * as invitation from './messages/invitation.ts';
import * as logout from './messages/logout.ts';
import * as passwordReset from './messages/password-reset.ts';
import * as signIn from './messages/sign-in.ts';
import * as upstream from './messages/upstream.ts';

/**
 * Every page string, in English: the source catalog. Each area of the pages has a file in
 * messages/ with its English messages and each translation side by side (docs/branding.md
 * says how a new page adds its own).
 */
export const EN = {
  ...frame.en,
  ...signIn.en,
  ...logout.en,
  ...authorize.en,
  ...invitation.en,
  ...passwordReset.en,
  ...upstream.en,
  ...delegation.en,
  ...consolePages.en,
  ...consoleApps.en,
  ...consoleAppForm.en,
  ...consoleAudit.en,
  ...consoleWebhooks.en,
  ...consoleRegistration.en,
  ...consoleMembers.en,
  ...device.en,
} as const satisfies Record<string, Message>;

/** A key of the catalogs: a page that names a key no catalog has does not compile. */
export type MessageKey = keyof typeof EN;

/** A whole catalog for one locale: the keys of English, each with its message. */
export type Catalog = Messages<typeof EN>;

const DE: Catalog = {
  ...frame.de,
  ...signIn.de,
  ...logout.de,
  ...authorize.de,
  ...invitation.de,
  ...passwordReset.de,
  ...upstream.de,
  ...delegation.de,
  ...consolePages.de,
  ...consoleApps.de,
  ...consoleAppForm.de,
  ...consoleAudit.de,
  ...consoleWebhooks.de,
  ...consoleRegistration.de,
  ...consoleMembers.de,
  ...device.de,
};

/** A locale the pages are translated into. */
export interface Locale {
  /** BCP 47 tag, as in `<html lang>`. */
  tag: string;
  /** The name of the language in itself, for people choosing one. */
  name: string;
  /** Writing direction, as in `<html dir>`. */
  dir: 'ltr' | 'rtl';
  catalog: Catalog;
}

/** The built-in locales, English first (the fallback). */
export const LOCALES: readonly Locale[] = [
  { tag: 'en', name: 'English', dir: 'ltr', catalog: EN },
  { tag: 'de', name: 'Deutsch', dir: 'ltr', catalog: DE },
];

export const DEFAULT_LOCALE = LOCALES[0] as Locale;

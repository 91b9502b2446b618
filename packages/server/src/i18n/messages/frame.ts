import type { Message, Messages } from '../message.ts';

/** The frame every page shares: the footer, the error code. */
export const en = {
  'frame.support': 'Support',
  'frame.privacy': 'Privacy',
  'frame.error_code': 'Error code: {code}',
  'frame.copy': 'Copy',
  'frame.copied': 'Copied to the clipboard.',
  'frame.copy_failed': 'Select the value and copy it.',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'frame.support': 'Hilfe',
  'frame.privacy': 'Datenschutz',
  'frame.error_code': 'Fehlercode: {code}',
  'frame.copy': 'Kopieren',
  'frame.copied': 'In die Zwischenablage kopiert.',
  'frame.copy_failed': 'Markieren Sie den Wert und kopieren Sie ihn.',
};

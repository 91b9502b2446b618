import type { Message, Messages } from '../message.ts';

/** RP-initiated logout: the confirm page (docs/flows/logout.md). */
export const en = {
  'logout.title': 'Sign out',
  'logout.lead_app': '{app} asks to sign you out.',
  'logout.lead': 'An application asks to sign you out.',
  'logout.signed_in_as': 'You are signed in as {email}.',
  'logout.confirm': 'Sign out',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'logout.title': 'Abmelden',
  'logout.lead_app': '{app} möchte Sie abmelden.',
  'logout.lead': 'Eine Anwendung möchte Sie abmelden.',
  'logout.signed_in_as': 'Sie sind als {email} angemeldet.',
  'logout.confirm': 'Abmelden',
};

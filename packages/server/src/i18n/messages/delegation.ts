import type { Message, Messages } from '../message.ts';

/** The pages of a sign-in delegated to the SaaS company's login application (docs/sign-in.md). */
export const en = {
  'delegation.off': 'This sign-in option is off.',
  'delegation.invalid_verifier_title': 'This sign-in link cannot be used',
  'delegation.invalid_verifier':
    'It does not belong to a sign-in started in this browser, or it was already used or has expired. Nobody was signed in. Start again from the app.',
  'delegation.no_account_title': 'This account is gone',
  'delegation.no_account': 'The account was deleted. Nobody was signed in.',
  'delegation.rejected_title': 'You were not signed in',
  'delegation.rejected': 'The sign-in was refused. The reason it gave is below.',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'delegation.off': 'Diese Anmeldeoption ist ausgeschaltet.',
  'delegation.invalid_verifier_title': 'Dieser Anmeldelink kann nicht verwendet werden',
  'delegation.invalid_verifier':
    'Er gehört zu keiner Anmeldung, die in diesem Browser begonnen wurde, oder er wurde bereits verwendet oder ist abgelaufen. Niemand wurde angemeldet. Beginnen Sie erneut in der App.',
  'delegation.no_account_title': 'Dieses Konto gibt es nicht mehr',
  'delegation.no_account': 'Das Konto wurde gelöscht. Niemand wurde angemeldet.',
  'delegation.rejected_title': 'Sie wurden nicht angemeldet',
  'delegation.rejected': 'Die Anmeldung wurde abgelehnt. Der angegebene Grund steht unten.',
};

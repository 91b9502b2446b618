import type { Message, Messages } from '../message.ts';

/** The pages of a sign-in through an upstream provider that could not go on ({name}: the provider). */
export const en = {
  'upstream.unknown_title': 'Unknown sign-in option',
  'upstream.unknown': 'This sign-in option does not exist.',
  'upstream.invalid_state_title': 'This sign-in link cannot be used',
  'upstream.invalid_state':
    'The answer from {name} does not belong to a sign-in started in this browser, or it was already used or has expired. Start again from the app.',
  'upstream.denied_title': '{name} did not sign you in',
  'upstream.denied': '{name} answered that the sign-in was not allowed or was cancelled.',
  'upstream.refused_title': 'The answer from {name} was refused',
  'upstream.refused':
    'The answer from {name} did not pass its checks, so nobody was signed in. Start again from the app.',
  'upstream.unavailable_title': '{name} is not answering',
  'upstream.unavailable': 'Signing in with {name} is not possible right now. Try again in a minute.',
  'upstream.link_refused_title': 'You cannot sign in with this account',
  'upstream.no_email': '{name} did not share an e-mail address, which an account here needs.',
  'upstream.email_unverified':
    'An account with this e-mail address already exists here, and {name} has not confirmed that the address is yours, so it cannot be linked. Sign in the way you usually do, or ask your administrator.',
  'upstream.already_linked':
    'The account with this e-mail address is already linked to another {name} account. Sign in with that one, or ask your administrator.',
  'upstream.no_account':
    'There is no account here for your {name} account. Ask your administrator to invite you.',
  'upstream.disabled': 'This account is disabled. Ask your administrator.',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'upstream.unknown_title': 'Unbekannte Anmeldeoption',
  'upstream.unknown': 'Diese Anmeldeoption gibt es nicht.',
  'upstream.invalid_state_title': 'Dieser Anmeldelink kann nicht verwendet werden',
  'upstream.invalid_state':
    'Die Antwort von {name} gehört zu keiner Anmeldung, die in diesem Browser begonnen wurde, oder sie wurde bereits verwendet oder ist abgelaufen. Beginnen Sie erneut in der App.',
  'upstream.denied_title': '{name} hat Sie nicht angemeldet',
  'upstream.denied': '{name} hat geantwortet, dass die Anmeldung nicht erlaubt war oder abgebrochen wurde.',
  'upstream.refused_title': 'Die Antwort von {name} wurde abgelehnt',
  'upstream.refused':
    'Die Antwort von {name} hat die Prüfungen nicht bestanden, daher wurde niemand angemeldet. Beginnen Sie erneut in der App.',
  'upstream.unavailable_title': '{name} antwortet nicht',
  'upstream.unavailable':
    'Die Anmeldung mit {name} ist gerade nicht möglich. Versuchen Sie es in einer Minute erneut.',
  'upstream.link_refused_title': 'Mit diesem Konto können Sie sich nicht anmelden',
  'upstream.no_email': '{name} hat keine E-Mail-Adresse übermittelt, die ein Konto hier aber braucht.',
  'upstream.email_unverified':
    'Ein Konto mit dieser E-Mail-Adresse gibt es hier bereits, und {name} hat nicht bestätigt, dass die Adresse Ihnen gehört, daher kann es nicht verknüpft werden. Melden Sie sich wie gewohnt an, oder fragen Sie Ihren Administrator.',
  'upstream.already_linked':
    'Das Konto mit dieser E-Mail-Adresse ist bereits mit einem anderen {name}-Konto verknüpft. Melden Sie sich mit diesem an, oder fragen Sie Ihren Administrator.',
  'upstream.no_account':
    'Für Ihr {name}-Konto gibt es hier kein Konto. Bitten Sie Ihren Administrator, Sie einzuladen.',
  'upstream.disabled': 'Dieses Konto ist deaktiviert. Fragen Sie Ihren Administrator.',
};

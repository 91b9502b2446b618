import type { Message, Messages } from '../message.ts';

/** The login page, the signed-in and signed-out pages, and what a refused sign-in says. */
export const en = {
  'sign_in.title': 'Sign in',
  'sign_in.continue_to': 'to continue to {app}',
  'sign_in.to_console': 'to the Integration Center',
  'sign_in.with_upstream': 'Sign in with {name}',
  'sign_in.or_password': 'or with your email and password',
  'sign_in.email': 'Email',
  'sign_in.password': 'Password',
  'sign_in.submit': 'Sign in',
  'sign_in.invalid': 'The email or password is incorrect.',
  'sign_in.busy': 'Sign-in is busy right now. Try again in {after}.',
  'sign_in.in_flight': 'Too many sign-in attempts at once. Try again in {after}.',
  'sign_in.throttled': 'Too many failed sign-in attempts. Try again in {after}.',
  'sign_in.seconds': { one: '{count} second', other: '{count} seconds' },
  'sign_in.minutes': { one: '{count} minute', other: '{count} minutes' },
  'sign_in.passwords_off_title': 'Password sign-in is off',
  'sign_in.passwords_off':
    'This server does not sign people in with a password. Go back and choose another way to sign in.',
  'signed_out.title': 'Signed out',
  'signed_out.heading': 'You are signed out',
  'signed_out.lead': 'You can close this window.',
  'signed_in.title': 'Signed in',
  'signed_in.lead': 'You are signed in as {email}.',
  'signed_in.sign_out': 'Sign out',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'sign_in.title': 'Anmelden',
  'sign_in.continue_to': 'um mit {app} fortzufahren',
  'sign_in.to_console': 'beim Integration Center',
  'sign_in.with_upstream': 'Mit {name} anmelden',
  'sign_in.or_password': 'oder mit Ihrer E-Mail-Adresse und Ihrem Passwort',
  'sign_in.email': 'E-Mail-Adresse',
  'sign_in.password': 'Passwort',
  'sign_in.submit': 'Anmelden',
  'sign_in.invalid': 'Die E-Mail-Adresse oder das Passwort ist falsch.',
  'sign_in.busy': 'Die Anmeldung ist gerade ausgelastet. Versuchen Sie es in {after} erneut.',
  'sign_in.in_flight': 'Zu viele gleichzeitige Anmeldeversuche. Versuchen Sie es in {after} erneut.',
  'sign_in.throttled': 'Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es in {after} erneut.',
  'sign_in.seconds': { one: '{count} Sekunde', other: '{count} Sekunden' },
  'sign_in.minutes': { one: '{count} Minute', other: '{count} Minuten' },
  'sign_in.passwords_off_title': 'Die Anmeldung mit Passwort ist ausgeschaltet',
  'sign_in.passwords_off':
    'Dieser Server meldet niemanden mit einem Passwort an. Gehen Sie zurück und wählen Sie eine andere Art der Anmeldung.',
  'signed_out.title': 'Abgemeldet',
  'signed_out.heading': 'Sie sind abgemeldet',
  'signed_out.lead': 'Sie können dieses Fenster schließen.',
  'signed_in.title': 'Angemeldet',
  'signed_in.lead': 'Sie sind als {email} angemeldet.',
  'signed_in.sign_out': 'Abmelden',
};

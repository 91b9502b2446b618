import type { Message, Messages } from '../message.ts';

/** "Forgot your password?", the reset pages, the address confirmation and its pages. */
export const en = {
  'password_reset.forgot': 'Forgot your password?',
  'password_reset.title': 'Reset your password',
  'password_reset.lead':
    'Enter the e-mail address of your account. If it has one here, we send it a link to choose a new password.',
  'password_reset.email': 'Email',
  'password_reset.send': 'Send the link',
  'password_reset.back': 'Back to sign-in',
  'password_reset.sent_title': 'Check your mail',
  'password_reset.sent':
    'If an account exists for that address, we sent it a link to choose a new password. The link works once, for one hour.',
  'password_reset.sent_hint': 'No mail after a few minutes? Check the spam folder, or ask again.',
  'password_reset.form_title': 'Choose a new password',
  'password_reset.form_lead': 'For {email}. Choosing it signs you out everywhere else.',
  'password_reset.password': 'New password',
  'password_reset.password_hint': {
    one: 'At least {count} character.',
    other: 'At least {count} characters.',
  },
  'password_reset.password_confirm': 'Repeat the password',
  'password_reset.submit': 'Set password and sign in',
  'password_reset.mismatch': 'The two passwords are not the same.',
  'password_reset.password_length': 'The password must be 12 to 1024 characters.',
  'password_reset.done_title': 'Password changed',
  'password_reset.done':
    'Your new password is set and you are signed in. Every other session of your account was ended.',
  'password_reset.to_console': 'Go to the Integration Center',
  'password_reset.used_title': 'This link has been used',
  'password_reset.used': 'A reset link works once. If you still need a new password, ask for another link.',
  'password_reset.expired_title': 'This link has expired',
  'password_reset.expired': 'A reset link works for one hour. Ask for another link.',
  'password_reset.throttled_title': 'Too many attempts',
  'password_reset.throttled': 'This was tried too often. Wait a minute, then try again.',
  'password_reset.unknown_title': 'This link is not valid',
  'password_reset.unknown':
    'The link is incomplete, or it no longer works for this account. Check that you copied the whole link, or ask for another one.',
  'password_reset.ask_again': 'Ask for a new link',
  'password_reset.sign_in': 'Sign in',
  'verify_email.unverified': 'Your address is not confirmed yet: apps you connect are told it is unverified.',
  'verify_email.send': 'Send the confirmation link',
  'verify_email.notice_sent': 'We sent a confirmation link to your address. It works for 24 hours.',
  'verify_email.notice_throttled':
    'A confirmation link was sent a short while ago. Wait a few minutes before asking again.',
  'verify_email.done_title': 'Address confirmed',
  'verify_email.done': '{email} is confirmed as your address. Apps you connect are told it is verified.',
  'verify_email.continue': 'Continue',
  'verify_email.used_title': 'This link has been used',
  'verify_email.used': 'The address was confirmed with it already.',
  'verify_email.expired_title': 'This link has expired',
  'verify_email.expired': 'A confirmation link works for 24 hours. Sign in to have another one sent.',
  'verify_email.unknown_title': 'This link is not valid',
  'verify_email.unknown':
    'The link is incomplete, or the account no longer has the address it was sent to. Sign in to have another one sent.',
  'verify_email.sign_in': 'Sign in',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'password_reset.forgot': 'Passwort vergessen?',
  'password_reset.title': 'Passwort zurücksetzen',
  'password_reset.lead':
    'Geben Sie die E-Mail-Adresse Ihres Kontos ein. Gibt es hier ein Konto dafür, senden wir ihr einen Link, mit dem Sie ein neues Passwort wählen.',
  'password_reset.email': 'E-Mail-Adresse',
  'password_reset.send': 'Link senden',
  'password_reset.back': 'Zurück zur Anmeldung',
  'password_reset.sent_title': 'Sehen Sie in Ihr Postfach',
  'password_reset.sent':
    'Wenn es ein Konto mit dieser Adresse gibt, haben wir ihr einen Link für ein neues Passwort gesendet. Der Link funktioniert einmal, eine Stunde lang.',
  'password_reset.sent_hint':
    'Nach einigen Minuten keine E-Mail? Sehen Sie im Spam-Ordner nach oder fordern Sie erneut an.',
  'password_reset.form_title': 'Neues Passwort wählen',
  'password_reset.form_lead': 'Für {email}. Damit werden Sie überall sonst abgemeldet.',
  'password_reset.password': 'Neues Passwort',
  'password_reset.password_hint': {
    one: 'Mindestens {count} Zeichen.',
    other: 'Mindestens {count} Zeichen.',
  },
  'password_reset.password_confirm': 'Passwort wiederholen',
  'password_reset.submit': 'Passwort festlegen und anmelden',
  'password_reset.mismatch': 'Die beiden Passwörter stimmen nicht überein.',
  'password_reset.password_length': 'Das Passwort muss 12 bis 1024 Zeichen lang sein.',
  'password_reset.done_title': 'Passwort geändert',
  'password_reset.done':
    'Ihr neues Passwort ist gesetzt und Sie sind angemeldet. Alle anderen Sitzungen Ihres Kontos wurden beendet.',
  'password_reset.to_console': 'Zum Integration Center',
  'password_reset.used_title': 'Dieser Link wurde bereits verwendet',
  'password_reset.used':
    'Ein Link zum Zurücksetzen funktioniert nur einmal. Brauchen Sie noch ein neues Passwort, fordern Sie einen neuen Link an.',
  'password_reset.expired_title': 'Dieser Link ist abgelaufen',
  'password_reset.expired': 'Ein Link zum Zurücksetzen gilt eine Stunde. Fordern Sie einen neuen an.',
  'password_reset.throttled_title': 'Zu viele Versuche',
  'password_reset.throttled':
    'Das wurde zu oft versucht. Warten Sie eine Minute und versuchen Sie es dann erneut.',
  'password_reset.unknown_title': 'Dieser Link ist ungültig',
  'password_reset.unknown':
    'Der Link ist unvollständig oder gilt für dieses Konto nicht mehr. Prüfen Sie, ob Sie ihn ganz kopiert haben, oder fordern Sie einen neuen an.',
  'password_reset.ask_again': 'Neuen Link anfordern',
  'password_reset.sign_in': 'Anmelden',
  'verify_email.unverified':
    'Ihre Adresse ist noch nicht bestätigt: Verbundene Apps erfahren, dass sie unbestätigt ist.',
  'verify_email.send': 'Bestätigungslink senden',
  'verify_email.notice_sent':
    'Wir haben einen Bestätigungslink an Ihre Adresse gesendet. Er gilt 24 Stunden.',
  'verify_email.notice_throttled':
    'Vor Kurzem wurde bereits ein Bestätigungslink gesendet. Warten Sie einige Minuten, bevor Sie erneut anfordern.',
  'verify_email.done_title': 'Adresse bestätigt',
  'verify_email.done':
    '{email} ist als Ihre Adresse bestätigt. Verbundene Apps erfahren, dass sie bestätigt ist.',
  'verify_email.continue': 'Weiter',
  'verify_email.used_title': 'Dieser Link wurde bereits verwendet',
  'verify_email.used': 'Die Adresse wurde damit bereits bestätigt.',
  'verify_email.expired_title': 'Dieser Link ist abgelaufen',
  'verify_email.expired':
    'Ein Bestätigungslink gilt 24 Stunden. Melden Sie sich an, um einen neuen senden zu lassen.',
  'verify_email.unknown_title': 'Dieser Link ist ungültig',
  'verify_email.unknown':
    'Der Link ist unvollständig, oder das Konto hat die Adresse nicht mehr, an die er ging. Melden Sie sich an, um einen neuen senden zu lassen.',
  'verify_email.sign_in': 'Anmelden',
};

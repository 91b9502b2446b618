import type { Message, Messages } from '../message.ts';

/** The invitation page and the pages of a link that cannot be used. */
export const en = {
  'invitation.title': 'Join {company}',
  'invitation.lead':
    "You were invited to {company}'s Integration Center. Choose a password for {email} to finish.",
  'invitation.email': 'Email',
  'invitation.password': 'New password',
  'invitation.password_hint': { one: 'At least {count} character.', other: 'At least {count} characters.' },
  'invitation.password_confirm': 'Repeat the password',
  'invitation.submit': 'Set password and sign in',
  'invitation.mismatch': 'The two passwords are not the same.',
  'invitation.password_length': 'The password must be {min} to {max} characters.',
  'invitation.used_title': 'This invitation has been used',
  'invitation.used': 'The link worked once and cannot be used again. Sign in with the password you chose.',
  'invitation.expired_title': 'This invitation has expired',
  'invitation.expired':
    'Invitation links work for 72 hours. Ask an administrator of the company to invite you again.',
  'invitation.throttled_title': 'Too many attempts',
  'invitation.throttled': 'This link was tried too often. Wait a minute, then open it again.',
  'invitation.unknown_title': 'This invitation is not valid',
  'invitation.unknown':
    'The link is incomplete, or the invitation was withdrawn. Check that you copied the whole link, or ask an administrator of the company for a new one.',
  'invitation.sign_in': 'Sign in to the Integration Center',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'invitation.title': '{company} beitreten',
  'invitation.lead':
    'Sie wurden in das Integration Center von {company} eingeladen. Wählen Sie ein Passwort für {email}, um abzuschließen.',
  'invitation.email': 'E-Mail-Adresse',
  'invitation.password': 'Neues Passwort',
  'invitation.password_hint': { one: 'Mindestens {count} Zeichen.', other: 'Mindestens {count} Zeichen.' },
  'invitation.password_confirm': 'Passwort wiederholen',
  'invitation.submit': 'Passwort festlegen und anmelden',
  'invitation.mismatch': 'Die beiden Passwörter stimmen nicht überein.',
  'invitation.password_length': 'Das Passwort muss {min} bis {max} Zeichen lang sein.',
  'invitation.used_title': 'Diese Einladung wurde bereits verwendet',
  'invitation.used':
    'Der Link funktionierte einmal und kann nicht erneut verwendet werden. Melden Sie sich mit dem gewählten Passwort an.',
  'invitation.expired_title': 'Diese Einladung ist abgelaufen',
  'invitation.expired':
    'Einladungslinks gelten 72 Stunden. Bitten Sie einen Administrator des Unternehmens, Sie erneut einzuladen.',
  'invitation.throttled_title': 'Zu viele Versuche',
  'invitation.throttled':
    'Dieser Link wurde zu oft versucht. Warten Sie eine Minute und öffnen Sie ihn dann erneut.',
  'invitation.unknown_title': 'Diese Einladung ist ungültig',
  'invitation.unknown':
    'Der Link ist unvollständig, oder die Einladung wurde zurückgezogen. Prüfen Sie, ob Sie den ganzen Link kopiert haben, oder bitten Sie einen Administrator des Unternehmens um einen neuen.',
  'invitation.sign_in': 'Beim Integration Center anmelden',
};

import type { Message, Messages } from '../message.ts';

/** The Integration Center's Members page, the invitation link page and the removal confirmation. */
export const en = {
  'members.title': 'Members',
  'members.lead': "People who can sign in to {company}'s Integration Center and approve apps for it.",
  'members.caption': 'Members of {company}',
  'members.col.name': 'Name',
  'members.col.email': 'Email',
  'members.col.role': 'Role',
  'members.col.joined': 'Joined',
  'members.col.status': 'Status',
  'members.col.actions': 'Actions',
  'members.you': '(you)',
  'members.role.member': 'Member',
  'members.role.admin': 'Administrator',
  'members.role_of': 'Role of {email}',
  'members.change_role': 'Change role',
  'members.of': ' of {email}',
  'members.new_link': 'New link',
  'members.for': ' for {email}',
  'members.remove': 'Remove',
  'members.remove_sr': ' {email}',
  'members.status.disabled': 'Disabled',
  'members.status.active': 'Active',
  'members.status.no_password': 'No password',
  'members.status.pending': 'Invitation pending until {time}',
  'members.status.expired': 'Invitation expired',
  'members.read_only': 'Read-only: only administrators can add, change or remove members.',
  'members.add.title': 'Add an existing user',
  'members.add.hint': 'Someone who already has a Gatehouse account, by their sign-in address.',
  'members.email': 'Email',
  'members.role': 'Role',
  'members.add.submit': 'Add member',
  'members.invite.title': 'Invite a new user',
  'members.invite.hint':
    'Creates their account and a link, valid 72 hours, with which they set a password. The link is shown to you once, and sent to them by e-mail when this server sends mail.',
  'members.invite.name': 'Name',
  'members.optional': '(optional)',
  'members.invite.submit': 'Create invitation',
  'members.done.added': 'The member was added.',
  'members.done.role': 'The role was changed.',
  'members.done.removed': 'The member was removed.',
  'members.error.last_admin':
    'This is the last administrator of {company}. Make another member an administrator first, then change or remove this one.',
  'members.error.not_member': 'This user is not a member of the company.',
  'members.error.no_user': 'No user has the address {email}. To give them an account, invite them instead.',
  'members.error.already_member':
    '{email} is already a member of {company}: change their role in the list instead.',
  'members.error.user_exists':
    'A user with the address {email} exists already: add them as a member instead.',
  'members.error.no_invitation': 'This user has no unused invitation to this company.',
  'members.error.cannot_reissue':
    'This account has a password, is disabled or belongs to another company: it cannot be given a new link.',
  'members.invalid.role': 'Role must be admin or member.',
  'members.invalid.email': 'Email address is not valid.',
  'members.invalid.name': 'User name must be 1 to 100 characters.',
  'members.invalid.other': 'The form was not accepted: {detail}',
  'members.remove.title': 'Remove {email}?',
  'members.remove.self':
    'You lose access to {company} at once: the Integration Center, and approving apps for it. Tokens issued for them in this company stop working. Their account stays; an administrator can add them again.',
  'members.remove.other':
    '{name} loses access to {company} at once: the Integration Center, and approving apps for it. Tokens issued for them in this company stop working. Their account stays; an administrator can add them again.',
  'members.remove.submit': 'Remove member',
  'invitation_link.title': 'Invitation link',
  'invitation_link.heading': 'Invitation link for {email}',
  'invitation_link.once': 'the link is shown only once.',
  'invitation_link.send': 'Send it to {email} yourself.',
  'invitation_link.mailed':
    'It was also sent to {email} by e-mail; if that mail does not arrive, send the link yourself.',
  'invitation_link.until':
    "Anyone who has it can set this account's password until {time} or until it is used.",
  'invitation_link.back': 'Back to members',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'members.title': 'Mitglieder',
  'members.lead':
    'Personen, die sich im Integration Center von {company} anmelden und Apps dafür genehmigen können.',
  'members.caption': 'Mitglieder von {company}',
  'members.col.name': 'Name',
  'members.col.email': 'E-Mail',
  'members.col.role': 'Rolle',
  'members.col.joined': 'Beigetreten',
  'members.col.status': 'Status',
  'members.col.actions': 'Aktionen',
  'members.you': '(Sie)',
  'members.role.member': 'Mitglied',
  'members.role.admin': 'Administrator',
  'members.role_of': 'Rolle von {email}',
  'members.change_role': 'Rolle ändern',
  'members.of': ' von {email}',
  'members.new_link': 'Neuer Link',
  'members.for': ' für {email}',
  'members.remove': 'Entfernen',
  'members.remove_sr': ' {email}',
  'members.status.disabled': 'Deaktiviert',
  'members.status.active': 'Aktiv',
  'members.status.no_password': 'Kein Passwort',
  'members.status.pending': 'Einladung offen bis {time}',
  'members.status.expired': 'Einladung abgelaufen',
  'members.read_only':
    'Schreibgeschützt: Nur Administratoren können Mitglieder hinzufügen, ändern oder entfernen.',
  'members.add.title': 'Bestehenden Benutzer hinzufügen',
  'members.add.hint': 'Jemand, der schon ein Gatehouse-Konto hat, über seine Anmeldeadresse.',
  'members.email': 'E-Mail',
  'members.role': 'Rolle',
  'members.add.submit': 'Mitglied hinzufügen',
  'members.invite.title': 'Neuen Benutzer einladen',
  'members.invite.hint':
    'Legt das Konto und einen 72 Stunden gültigen Link an, mit dem die Person ein Passwort festlegt. Der Link wird Ihnen einmal angezeigt und der Person per E-Mail gesendet, wenn dieser Server E-Mails versendet.',
  'members.invite.name': 'Name',
  'members.optional': '(optional)',
  'members.invite.submit': 'Einladung erstellen',
  'members.done.added': 'Das Mitglied wurde hinzugefügt.',
  'members.done.role': 'Die Rolle wurde geändert.',
  'members.done.removed': 'Das Mitglied wurde entfernt.',
  'members.error.last_admin':
    'Dies ist der letzte Administrator von {company}. Machen Sie zuerst ein anderes Mitglied zum Administrator und ändern oder entfernen Sie dann dieses.',
  'members.error.not_member': 'Dieser Benutzer ist kein Mitglied des Unternehmens.',
  'members.error.no_user':
    'Kein Benutzer hat die Adresse {email}. Um der Person ein Konto zu geben, laden Sie sie stattdessen ein.',
  'members.error.already_member':
    '{email} ist schon Mitglied von {company}: Ändern Sie stattdessen die Rolle in der Liste.',
  'members.error.user_exists':
    'Ein Benutzer mit der Adresse {email} existiert bereits: Fügen Sie ihn stattdessen als Mitglied hinzu.',
  'members.error.no_invitation': 'Dieser Benutzer hat keine unbenutzte Einladung in dieses Unternehmen.',
  'members.error.cannot_reissue':
    'Dieses Konto hat ein Passwort, ist deaktiviert oder gehört zu einem anderen Unternehmen: Es kann keinen neuen Link erhalten.',
  'members.invalid.role': 'Die Rolle muss Administrator oder Mitglied sein.',
  'members.invalid.email': 'Die E-Mail-Adresse ist ungültig.',
  'members.invalid.name': 'Der Name muss 1 bis 100 Zeichen lang sein.',
  'members.invalid.other': 'Das Formular wurde nicht angenommen: {detail}',
  'members.remove.title': '{email} entfernen?',
  'members.remove.self':
    'Sie verlieren sofort den Zugriff auf {company}: das Integration Center und das Genehmigen von Apps dafür. Für Sie in diesem Unternehmen ausgestellte Tokens gelten nicht mehr. Ihr Konto bleibt; ein Administrator kann Sie wieder hinzufügen.',
  'members.remove.other':
    '{name} verliert sofort den Zugriff auf {company}: das Integration Center und das Genehmigen von Apps dafür. Für diese Person in diesem Unternehmen ausgestellte Tokens gelten nicht mehr. Ihr Konto bleibt; ein Administrator kann sie wieder hinzufügen.',
  'members.remove.submit': 'Mitglied entfernen',
  'invitation_link.title': 'Einladungslink',
  'invitation_link.heading': 'Einladungslink für {email}',
  'invitation_link.once': 'Der Link wird nur einmal angezeigt.',
  'invitation_link.send': 'Senden Sie ihn selbst an {email}.',
  'invitation_link.mailed':
    'Er wurde auch per E-Mail an {email} gesendet; falls diese E-Mail nicht ankommt, senden Sie den Link selbst.',
  'invitation_link.until':
    'Wer ihn hat, kann bis {time} oder bis zu seiner Verwendung das Passwort dieses Kontos festlegen.',
  'invitation_link.back': 'Zurück zu den Mitgliedern',
};

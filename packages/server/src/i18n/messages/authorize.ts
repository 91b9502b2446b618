import type { Message, Messages } from '../message.ts';

/** The company chooser, the consent page, the company GUID page and the flow's error pages. */
export const en = {
  'chooser.title': 'Choose a company',
  'chooser.lead': 'Which company should {app} get access to?',
  'chooser.legend': 'Companies where you are an administrator',
  'chooser.continue': 'Continue',
  'consent.title': 'Connect {app}',
  'consent.heading': '{app} wants access to {company}',
  'consent.lead': 'Signed in as {email}. If you grant access, {app} will be able to:',
  'consent.revocable': 'Administrators of {company} can revoke this access at any time.',
  'consent.app_logo_alt': '{app} logo',
  'consent.scope_count': { one: '{count} permission', other: '{count} permissions' },
  'consent.deny': 'Deny',
  'consent.grant': 'Grant access',
  'scope.openid': 'Confirm who you are (your user id)',
  'scope.profile': 'See your name',
  'scope.email': 'See your email address',
  'granted.title': 'Access granted',
  'granted.lead': '{app} now has access to {company}. Give this company GUID to {app} to finish the setup.',
  'granted.guid': 'Company GUID',
  'flow.expired_title': 'This request has expired',
  'flow.expired': 'The authorization request is no longer valid. Go back to the app and start again.',
  'flow.gone': 'Go back to the app and start again.',
  'flow.failed_title': 'Authorization failed',
  'flow.link_unusable_title': 'This link cannot be used',
  'flow.request_unusable_title': 'This request cannot be used',
  'flow.refused':
    'The request carried something this server does not accept. The details below are for developers.',
  'flow.plan_title': 'Upgrade required',
  'flow.plan':
    'Connecting apps to {company} needs the {plans} plan; {company} is on the {plan} plan. Nothing was shared with the app.',
  'session.expired_title': 'Your session has expired',
  'session.expired': 'The form could not be verified. Reload the page and try again.',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'chooser.title': 'Unternehmen auswählen',
  'chooser.lead': 'Auf welches Unternehmen soll {app} zugreifen dürfen?',
  'chooser.legend': 'Unternehmen, in denen Sie Administrator sind',
  'chooser.continue': 'Weiter',
  'consent.title': '{app} verbinden',
  'consent.heading': '{app} möchte auf {company} zugreifen',
  'consent.lead': 'Angemeldet als {email}. Wenn Sie den Zugriff erlauben, kann {app}:',
  'consent.revocable': 'Administratoren von {company} können diesen Zugriff jederzeit widerrufen.',
  'consent.app_logo_alt': '{app}-Logo',
  'consent.scope_count': { one: '{count} Berechtigung', other: '{count} Berechtigungen' },
  'consent.deny': 'Ablehnen',
  'consent.grant': 'Zugriff erlauben',
  'scope.openid': 'Bestätigen, wer Sie sind (Ihre Benutzer-ID)',
  'scope.profile': 'Ihren Namen sehen',
  'scope.email': 'Ihre E-Mail-Adresse sehen',
  'granted.title': 'Zugriff erlaubt',
  'granted.lead':
    '{app} hat jetzt Zugriff auf {company}. Geben Sie {app} diese Unternehmens-GUID, um die Einrichtung abzuschließen.',
  'granted.guid': 'Unternehmens-GUID',
  'flow.expired_title': 'Diese Anfrage ist abgelaufen',
  'flow.expired':
    'Die Autorisierungsanfrage ist nicht mehr gültig. Gehen Sie zurück zur App und beginnen Sie neu.',
  'flow.gone': 'Gehen Sie zurück zur App und beginnen Sie neu.',
  'flow.failed_title': 'Autorisierung fehlgeschlagen',
  'flow.link_unusable_title': 'Dieser Link kann nicht verwendet werden',
  'flow.request_unusable_title': 'Diese Anfrage kann nicht verwendet werden',
  'flow.refused':
    'Die Anfrage enthielt etwas, das dieser Server nicht annimmt. Die Angaben unten sind für Entwickler.',
  'flow.plan_title': 'Upgrade erforderlich',
  'flow.plan':
    'Um Apps mit {company} zu verbinden, ist der Tarif {plans} nötig; {company} hat den Tarif {plan}. Mit der App wurde nichts geteilt.',
  'session.expired_title': 'Ihre Sitzung ist abgelaufen',
  'session.expired':
    'Das Formular konnte nicht geprüft werden. Laden Sie die Seite neu und versuchen Sie es erneut.',
};

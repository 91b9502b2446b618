import type { Message, Messages } from '../message.ts';

/** The Integration Center's forms to create and edit an app, with the scope picker. */
export const en = {
  'scopes.legend': 'Scopes',
  'scopes.important': 'Important:',
  'scopes.fixed_warning':
    'scopes cannot be edited after the app is created. Choose only the scopes the app needs.',
  'scopes.caption': 'Feature scopes',
  'scopes.feature': 'Feature',
  'scopes.perm.read': 'Read',
  'scopes.perm.write': 'Write',
  'scopes.perm.delete': 'Delete',
  'scopes.checkbox': '{feature}: {permission}',
  'scopes.other': 'Other scopes',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'scopes.legend': 'Berechtigungen',
  'scopes.important': 'Wichtig:',
  'scopes.fixed_warning':
    'Berechtigungen können nach dem Erstellen der App nicht geändert werden. Wählen Sie nur die Berechtigungen, die die App braucht.',
  'scopes.caption': 'Funktionsberechtigungen',
  'scopes.feature': 'Funktion',
  'scopes.perm.read': 'Lesen',
  'scopes.perm.write': 'Schreiben',
  'scopes.perm.delete': 'Löschen',
  'scopes.checkbox': '{feature}: {permission}',
  'scopes.other': 'Weitere Berechtigungen',
};

import type { Message, Messages } from '../message.ts';

/** The device verification page (RFC 8628 3.3): code entry, confirmation, result, throttle. */
export const en = {
  'device.title': 'Connect a device',
  'device.lead': 'Enter the code shown on your device.',
  'device.code_label': 'Code',
  'device.continue': 'Continue',
  'device.invalid': 'That code is not valid or has expired. Check the code on your device and try again.',
  'device.throttled_title': 'Too many attempts',
  'device.throttled': 'Too many wrong codes were entered. Wait {seconds} seconds, then try again.',
  'device.confirm_title': 'Is this your device?',
  'device.confirm_lead':
    'A device asks to connect as {app}. Continue only if you started this on your own device and it shows the code {code}.',
  'device.confirm_scopes': 'It asks to:',
  'device.confirm_warning': 'If someone sent you this code, deny: they would get access, not you.',
  'device.deny': 'Deny',
  'device.approved_title': 'Device connected',
  'device.approved': '{app} is connected. You can go back to your device; it continues by itself.',
  'device.denied_title': 'Device not connected',
  'device.denied': '{app} was not given access. You can close this page.',
} as const satisfies Record<string, Message>;

export const de: Messages<typeof en> = {
  'device.title': 'Gerät verbinden',
  'device.lead': 'Geben Sie den Code ein, der auf Ihrem Gerät angezeigt wird.',
  'device.code_label': 'Code',
  'device.continue': 'Weiter',
  'device.invalid':
    'Dieser Code ist ungültig oder abgelaufen. Prüfen Sie den Code auf Ihrem Gerät und versuchen Sie es erneut.',
  'device.throttled_title': 'Zu viele Versuche',
  'device.throttled':
    'Es wurden zu viele falsche Codes eingegeben. Warten Sie {seconds} Sekunden und versuchen Sie es dann erneut.',
  'device.confirm_title': 'Ist das Ihr Gerät?',
  'device.confirm_lead':
    'Ein Gerät möchte sich als {app} verbinden. Fahren Sie nur fort, wenn Sie dies auf Ihrem eigenen Gerät gestartet haben und es den Code {code} anzeigt.',
  'device.confirm_scopes': 'Es möchte:',
  'device.confirm_warning':
    'Wenn Ihnen jemand diesen Code geschickt hat, lehnen Sie ab: Diese Person bekäme den Zugriff, nicht Sie.',
  'device.deny': 'Ablehnen',
  'device.approved_title': 'Gerät verbunden',
  'device.approved':
    '{app} ist verbunden. Sie können zu Ihrem Gerät zurückkehren; es macht von selbst weiter.',
  'device.denied_title': 'Gerät nicht verbunden',
  'device.denied': '{app} hat keinen Zugriff erhalten. Sie können diese Seite schließen.',
};

import type { MessageKey } from '../i18n/catalogs.ts';
import type { Text } from '../i18n/translator.ts';

/**
 * A sign-in (upstream or delegated) that could not go on: the page that says why, as catalog
 * texts (shown in the page's locale) and a stable code.
 */
export interface SignInFailure {
  kind: 'failed';
  status: 400 | 403 | 404 | 503;
  title: Text;
  message: Text;
  code: string;
}

/** `name` (a provider's or the login application's) fills `{name}` in both texts. */
export const signInFailure = (
  status: SignInFailure['status'],
  title: MessageKey,
  message: MessageKey,
  code: string,
  name?: string,
): SignInFailure => {
  const vars = name === undefined ? {} : { vars: { name } };
  return { kind: 'failed', status, title: { key: title, ...vars }, message: { key: message, ...vars }, code };
};

/** The authorization request a sign-in was started for has expired (30 minutes). */
export const FLOW_EXPIRED = signInFailure(400, 'flow.expired_title', 'flow.gone', 'flow_expired');

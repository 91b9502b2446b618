/** A sign-in (upstream or delegated) that could not go on: the page that says why. */
export interface SignInFailure {
  kind: 'failed';
  status: 400 | 403 | 404 | 503;
  title: string;
  message: string;
  code: string;
}

export const signInFailure = (
  status: SignInFailure['status'],
  title: string,
  message: string,
  code: string,
): SignInFailure => ({ kind: 'failed', status, title, message, code });

/** The authorization request a sign-in was started for has expired (30 minutes). */
export const FLOW_EXPIRED = signInFailure(
  400,
  'This request has expired',
  'Go back to the app and start again.',
  'flow_expired',
);

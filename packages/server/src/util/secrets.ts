import { randomToken } from './random.ts';

/**
 * Recognisable prefixes for every credential Gatehouse issues, so that secret scanners
 * (GitHub push protection, trufflehog, gitleaks) can spot a leak. The body is 256 random bits.
 */
export const SecretPrefix = {
  clientSecret: 'gths_',
  adminKey: 'gtha_',
  operatorKey: 'gtho_',
  refreshToken: 'gthr_',
  opaqueAccessToken: 'gtht_',
  authorizationCode: 'gthc_',
  webhookSecret: 'whsec_',
  invitation: 'gthi_',
  loginChallenge: 'gthl_',
  loginVerifier: 'gthv_',
  deviceCode: 'gthd_',
  passwordReset: 'gthp_',
  emailVerification: 'gthe_',
  /** RFC 7591 initial access token (docs/flows/registration.md). */
  initialAccessToken: 'gthia_',
  /** RFC 7592 registration access token. */
  registrationAccessToken: 'gthra_',
} as const;

export type SecretKind = keyof typeof SecretPrefix;

export function newSecret(kind: SecretKind): string {
  return SecretPrefix[kind] + randomToken(32);
}

/** The last four characters, the only part of a secret ever shown again. */
export function lastFour(secret: string): string {
  return secret.slice(-4);
}

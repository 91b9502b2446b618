import type { PasswordSignIn } from '../authorization/password-sign-in.ts';
import type { CompanyService } from '../companies/company-service.ts';
import { InvitationService } from '../companies/invitation-service.ts';
import { Mailer } from '../mail/mailer.ts';
import { EmailVerificationService } from '../users/email-verification-service.ts';
import { PasswordResetService } from '../users/password-reset-service.ts';
import type { Shared } from './shared.ts';

/**
 * The mailer (through `SMTP_URL`, or into the log) and the services whose links go out by mail:
 * invitations, password resets and address verification.
 */
export function wireMail(
  { config, storage, log, sharedLimits }: Shared,
  { companies, passwordSignIn }: { companies: CompanyService; passwordSignIn: PasswordSignIn },
) {
  const mailer = new Mailer(config.mail, log, config.theme.productName);
  const invitations = new InvitationService(storage, companies, {
    baseUrl: config.issuer,
    throttle: config.loginThrottle,
    mailer,
  });
  const passwordResets = new PasswordResetService(storage, {
    baseUrl: config.issuer,
    mailer,
    requestThrottle: config.passwordResetThrottle,
    completeThrottle: config.loginThrottle,
    shared: sharedLimits,
    // A new password clears the sign-in throttle's failures for that address.
    onReset: (user) => passwordSignIn.forgetFailures(user.email),
    log,
  });
  const emailVerification = new EmailVerificationService(storage, {
    baseUrl: config.issuer,
    mailer,
    log,
  });
  return { mailer, invitations, passwordResets, emailVerification };
}

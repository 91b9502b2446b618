import { html, type SafeHtml } from '../pages/html.ts';
import type { MailMessage } from './mailer.ts';

/** The HTML part: a short document around the body, every interpolation escaped. */
function document(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 36rem">
${body}
</body></html>`.toString();
}

/** A mail whose point is one link: the text part and the HTML part say the same. */
function linkMail(opts: {
  to: string;
  subject: string;
  intro: string;
  action: string;
  url: string;
  outro: string;
}): MailMessage {
  return {
    to: opts.to,
    subject: opts.subject,
    text: `${opts.intro}\n\n${opts.action}:\n${opts.url}\n\n${opts.outro}\n`,
    html: document(
      opts.subject,
      html`<p>${opts.intro}</p>
<p><a href="${opts.url}">${opts.action}</a></p>
<p style="color:#555">${opts.outro}</p>
<p style="color:#555;font-size:small">${opts.url}</p>`,
    ),
  };
}

/**
 * The mails name the product as the theme does (`product_name`, docs/branding.md), so a SaaS
 * company's customers read its name, not Gatehouse's. They are in English.
 */
export function passwordResetMail(to: string, url: string, product: string): MailMessage {
  return linkMail({
    to,
    subject: `Reset your ${product} password`,
    intro: `Someone asked to reset the password of the account ${to}.`,
    action: 'Choose a new password',
    url,
    outro:
      'The link works once, for one hour. If you did not ask for it, ignore this mail: your password stays as it is.',
  });
}

export function verificationMail(to: string, url: string, product: string): MailMessage {
  return linkMail({
    to,
    subject: `Confirm your e-mail address for ${product}`,
    intro: `Please confirm that ${to} is your address at ${product}.`,
    action: 'Confirm the address',
    url,
    outro: 'The link works once, for 24 hours. If you did not expect this mail, ignore it.',
  });
}

export function invitationMail(to: string, url: string, company: string, product: string): MailMessage {
  return linkMail({
    to,
    subject: `You are invited to ${company} on ${product}`,
    intro: `An administrator of ${company} invited you to its Integration Center as ${to}.`,
    action: 'Accept the invitation and choose a password',
    url,
    outro: 'The link works once, for 72 hours.',
  });
}

import type { Company } from '../companies/company-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout, type PageUi } from './layout.ts';

export function companyChooserPage(
  ui: PageUi,
  opts: {
    csrf: string;
    flow: string;
    appName: string;
    companies: Company[];
    /** Where the form posts, and the name of the field that carries `flow` (the device page's differ). */
    action?: { path: string; field: string };
    /** Who is signed in: shown, with a button to sign in as someone else (OIDC select_account). */
    signedInAs?: string;
  },
) {
  const { t } = ui;
  const action = opts.action ?? { path: '/authorize/company', field: 'flow' };
  return layout({
    ui,
    title: t.t('chooser.title'),
    body: html`<h1>${t.t('chooser.title')}</h1>
<p class="lead">${t.html('chooser.lead', { app: html`<strong>${opts.appName}</strong>` })}</p>
<form method="post" action="${action.path}">
${hiddenFields({ csrf_token: opts.csrf, [action.field]: opts.flow })}
<fieldset>
<legend>${t.t('chooser.legend')}</legend>
${opts.companies.map(
  (c, i) => html`<div class="choice">
<input type="radio" id="company-${i}" name="company_id" value="${c.id}" ${i === 0 ? html`checked` : ''}>
<label for="company-${i}">${c.name}</label>
</div>`,
)}
</fieldset>
<button type="submit" class="primary">${t.t('chooser.continue')}</button>
</form>
${opts.signedInAs ? switchAccount(ui, opts.csrf, opts.flow, opts.signedInAs) : ''}`,
  });
}

/**
 * Who is signed in, and "Use another account": signs out, keeps the request, shows the sign-in.
 * The choice is the button's value, not a hidden field, so a script that posts the page's hidden
 * fields with a company still chooses the company.
 */
function switchAccount({ t }: PageUi, csrf: string, flow: string, email: string) {
  return html`<form method="post" action="/authorize/company" class="switch-account">
${hiddenFields({ csrf_token: csrf, flow })}
<p class="hint">${t.t('chooser.signed_in_as', { email })}</p>
<button type="submit" class="secondary" name="account" value="switch">${t.t('chooser.switch_account')}</button>
</form>`;
}

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
</form>`,
  });
}

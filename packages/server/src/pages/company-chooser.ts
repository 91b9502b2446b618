import type { Company } from '../companies/company-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout } from './layout.ts';

export function companyChooserPage(opts: {
  csrf: string;
  flow: string;
  appName: string;
  companies: Company[];
}) {
  return layout({
    title: 'Choose a company',
    body: html`<h1>Choose a company</h1>
<p class="lead">Which company should <strong>${opts.appName}</strong> get access to?</p>
<form method="post" action="/authorize/company">
${hiddenFields({ csrf_token: opts.csrf, flow: opts.flow })}
<fieldset>
<legend>Companies where you are an administrator</legend>
${opts.companies.map(
  (c, i) => html`<div class="choice">
<input type="radio" id="company-${i}" name="company_id" value="${c.id}" ${i === 0 ? html`checked` : ''}>
<label for="company-${i}">${c.name}</label>
</div>`,
)}
</fieldset>
<button type="submit" class="primary">Continue</button>
</form>`,
  });
}

import type { Company } from '../companies/company-service.ts';
import type { Grant } from '../consents/company-grant-service.ts';
import { html } from './html.ts';
import { copyStatus, layout, type PageUi } from './layout.ts';

/** 7shifts' "manual process": the app has no redirect URI, so the GUID is shown to copy. */
export function grantGuidPage(ui: PageUi, opts: { appName: string; company: Company; grant: Grant }) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('granted.title'),
    script: true,
    body: html`<h1>${t.t('granted.title')}</h1>
<p class="lead">${t.html('granted.lead', { app: html`<strong>${opts.appName}</strong>`, company: opts.company.name })}</p>
<label for="guid">${t.t('granted.guid')}</label>
<div class="copy-row">
<input id="guid" type="text" readonly value="${opts.grant.guid}" dir="ltr">
<button type="button" class="secondary" data-copy="guid">${t.t('frame.copy')}</button>
</div>
${copyStatus(ui)}`,
  });
}

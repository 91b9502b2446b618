import type { Company } from '../companies/company-service.ts';
import type { Grant } from '../consents/company-grant-service.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';

/** 7shifts' "manual process": the app has no redirect URI, so the GUID is shown to copy. */
export function grantGuidPage(opts: { appName: string; company: Company; grant: Grant }) {
  return layout({
    title: 'Access granted',
    script: true,
    body: html`<h1>Access granted</h1>
<p class="lead"><strong>${opts.appName}</strong> now has access to ${opts.company.name}. Give this company GUID to ${opts.appName} to finish the setup.</p>
<label for="guid">Company GUID</label>
<div class="copy-row">
<input id="guid" type="text" readonly value="${opts.grant.guid}">
<button type="button" class="secondary" data-copy="guid">Copy</button>
</div>
<p class="hint" id="copy-status" aria-live="polite"></p>`,
  });
}

export function errorPage(opts: { title: string; message: string; code?: string }) {
  return layout({
    title: opts.title,
    body: html`<h1>${opts.title}</h1>
<p class="alert" role="alert">${opts.message}</p>
${opts.code ? html`<p class="hint">Error code: <code>${opts.code}</code></p>` : ''}`,
  });
}

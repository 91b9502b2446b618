import { type FeatureFamily, type FeaturePermission, inLocale, type PlainScope } from '@gatehouse/scopes';
import type { MessageKey } from '../../i18n/catalogs.ts';
import type { Translator } from '../../i18n/translator.ts';
import { featureLabel } from '../../pages/consent.ts';
import { html } from '../../pages/html.ts';

const PERMISSION: Record<FeaturePermission, MessageKey> = {
  read: 'scopes.perm.read',
  write: 'scopes.perm.write',
  delete: 'scopes.perm.delete',
};

/**
 * Connecteam's scope picker: one row per feature, a checkbox per permission. Labels and
 * descriptions in the page's locale when the scope catalog gives them in it.
 */
export function scopeTable(
  t: Translator,
  features: readonly FeatureFamily[],
  plain: readonly PlainScope[],
  chosen: ReadonlySet<string>,
) {
  const perms = [...new Set(features.flatMap((f) => f.permissions))];
  return html`<fieldset class="scopes-picker">
<legend>${t.t('scopes.legend')}</legend>
<p class="warning" role="note"><strong>${t.t('scopes.important')}</strong> ${t.t('scopes.fixed_warning')}</p>
${
  features.length > 0
    ? html`<table class="data scope-table">
<caption class="sr-only">${t.t('scopes.caption')}</caption>
<thead><tr><th scope="col">${t.t('scopes.feature')}</th>${perms.map((p) => html`<th scope="col">${t.t(PERMISSION[p])}</th>`)}</tr></thead>
<tbody>
${features.map((f) => {
  const label = featureLabel(f, t);
  return html`<tr><th scope="row">${label}</th>${perms.map((p) => {
    const scope = `${f.name}.${p}`;
    return f.permissions.includes(p)
      ? html`<td><input type="checkbox" name="scope" value="${scope}" id="scope-${scope}" aria-label="${t.t('scopes.checkbox', { feature: label, permission: t.t(PERMISSION[p]) })}" ${chosen.has(scope) ? html`checked` : ''}></td>`
      : html`<td></td>`;
  })}</tr>`;
})}
</tbody>
</table>`
    : ''
}
${
  plain.length > 0
    ? html`<details class="plain-scopes" ${plain.some((s) => chosen.has(s.name)) ? html`open` : ''}>
<summary>${t.t('scopes.other')}</summary>
${plain.map(
  (s) => html`<div class="choice">
<input type="checkbox" name="scope" value="${s.name}" id="scope-${s.name}" ${chosen.has(s.name) ? html`checked` : ''}>
<label for="scope-${s.name}"><code>${s.name}</code> ${inLocale(s.description, s.descriptions, t.tag)}</label>
</div>`,
)}
</details>`
    : ''
}
</fieldset>`;
}

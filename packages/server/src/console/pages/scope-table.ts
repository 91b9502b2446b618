import type { FeatureFamily, PlainScope } from '@gatehouse/scopes';
import { html } from '../../pages/html.ts';

/** Connecteam's scope picker: one row per feature, a checkbox per permission. */
export function scopeTable(
  features: readonly FeatureFamily[],
  plain: readonly PlainScope[],
  chosen: ReadonlySet<string>,
) {
  const perms = [...new Set(features.flatMap((f) => f.permissions))];
  return html`<fieldset class="scopes-picker">
<legend>Scopes</legend>
<p class="warning" role="note"><strong>Important:</strong> scopes cannot be edited after the app is created. Choose only the scopes the app needs.</p>
${
  features.length > 0
    ? html`<table class="data scope-table">
<caption class="sr-only">Feature scopes</caption>
<thead><tr><th scope="col">Feature</th>${perms.map((p) => html`<th scope="col">${p[0]?.toUpperCase()}${p.slice(1)}</th>`)}</tr></thead>
<tbody>
${features.map(
  (f) =>
    html`<tr><th scope="row">${f.label}</th>${perms.map((p) => {
      const scope = `${f.name}.${p}`;
      return f.permissions.includes(p)
        ? html`<td><input type="checkbox" name="scope" value="${scope}" id="scope-${scope}" aria-label="${f.label}: ${p}" ${chosen.has(scope) ? html`checked` : ''}></td>`
        : html`<td></td>`;
    })}</tr>`,
)}
</tbody>
</table>`
    : ''
}
${
  plain.length > 0
    ? html`<details class="plain-scopes" ${plain.some((s) => chosen.has(s.name)) ? html`open` : ''}>
<summary>Other scopes</summary>
${plain.map(
  (s) => html`<div class="choice">
<input type="checkbox" name="scope" value="${s.name}" id="scope-${s.name}" ${chosen.has(s.name) ? html`checked` : ''}>
<label for="scope-${s.name}"><code>${s.name}</code> ${s.description}</label>
</div>`,
)}
</details>`
    : ''
}
</fieldset>`;
}

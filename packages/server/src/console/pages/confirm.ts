import type { Translator } from '../../i18n/translator.ts';
import { html, type SafeHtml } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout, type Section } from '../layout.ts';

/** The confirmation before deleting what `path` shows: the form posts to `path/delete`. */
export function deletePage(
  ctx: ConsoleContext,
  section: Section,
  title: string,
  message: SafeHtml,
  path: string,
  submit: string,
) {
  return confirmPage({
    ctx,
    section,
    title,
    message,
    action: `${path}/delete`,
    submit,
    cancel: path,
    danger: true,
  });
}

/** The confirmation step before anything that cannot be undone. */
export function confirmPage(opts: {
  ctx: ConsoleContext;
  section: Section;
  title: string;
  message: SafeHtml;
  action: string;
  submit: string;
  cancel: string;
  danger?: boolean;
  extra?: SafeHtml;
}) {
  const { ctx } = opts;
  return consoleLayout({
    ctx,
    section: opts.section,
    title: opts.title,
    body: html`<h1>${opts.title}</h1>
<div class="lead">${opts.message}</div>
<form method="post" action="${opts.action}">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
${opts.extra ?? ''}
<div class="actions left">
<a class="button secondary" href="${opts.cancel}">${ctx.ui.t.t('confirm.cancel')}</a>
<button type="submit" class="${opts.danger ? 'danger' : 'primary'}">${opts.submit}</button>
</div>
</form>`,
  });
}

/** The grace periods offered when a secret is rotated, in seconds. */
export const GRACE_CHOICES: number[] = [0, 3600, 86_400, 7 * 86_400];

function graceLabel(t: Translator, seconds: number): string {
  if (seconds === 0) return t.t('grace.none');
  if (seconds < 86_400 || seconds % 86_400 !== 0) return t.t('grace.hours', { count: seconds / 3600 });
  return t.t('grace.days', { count: seconds / 86_400 });
}

export function graceSelect(t: Translator): SafeHtml {
  return html`<label for="grace">${t.t('grace.label')}</label>
<select id="grace" name="grace_seconds">${GRACE_CHOICES.map((v) => html`<option value="${v}">${graceLabel(t, v)}</option>`)}</select>`;
}

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
<a class="button secondary" href="${opts.cancel}">Cancel</a>
<button type="submit" class="${opts.danger ? 'danger' : 'primary'}">${opts.submit}</button>
</div>
</form>`,
  });
}

export const GRACE_CHOICES: [number, string][] = [
  [0, 'None: the old secret stops working now'],
  [3600, '1 hour'],
  [86_400, '24 hours'],
  [7 * 86_400, '7 days'],
];

export function graceSelect(): SafeHtml {
  return html`<label for="grace">Old secret keeps working for</label>
<select id="grace" name="grace_seconds">${GRACE_CHOICES.map(([v, l]) => html`<option value="${v}">${l}</option>`)}</select>`;
}

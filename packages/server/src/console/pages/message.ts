import { html } from '../../pages/html.ts';
import { messagePage, type PageUi } from '../../pages/layout.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';

/** An error or notice page: inside the console frame when we know who is looking. */
export function errorPage(ui: PageUi, title: string, message: string, ctx?: ConsoleContext): string {
  const { t } = ui;
  if (!ctx)
    return messagePage(ui, {
      title,
      message,
      after: html`<p><a href="/console">${t.t('console.go')}</a></p>`,
    });
  const body = html`<h1>${title}</h1>
<p class="alert" role="alert">${message}</p>
<p><a href="${ctx.base}/apps">${t.t('console.back')}</a></p>`;
  return consoleLayout({ ctx, section: 'apps', title, body });
}

/**
 * PERSCOM's "You must be subscribed to the Enterprise plan to use this feature": what the
 * plan is, what the feature needs, and who can change it.
 */
export function planRequiredPage(
  ctx: ConsoleContext,
  feature: 'createApps' | 'grantAccess',
  plans: string[],
) {
  const { t } = ctx.ui;
  const needs = feature === 'createApps' ? 'console.plan.create_apps' : 'console.plan.grant_access';
  const current = t.html('console.plan.current', {
    company: ctx.company.name,
    plan: html`<strong>${ctx.company.plan}</strong>`,
  });
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('console.plan.title'),
    body: html`<h1>${t.t('console.plan.title')}</h1>
<p class="alert" role="alert">${t.t(needs, { plans: t.or(plans) })} ${current}</p>
<p class="lead">${t.t('console.plan.lead')}</p>
<p><a href="${ctx.base}/apps">${t.t('console.plan.back')}</a></p>`,
  });
}

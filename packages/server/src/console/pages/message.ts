import { html } from '../../pages/html.ts';
import { layout } from '../../pages/layout.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';

/** An error or notice page: inside the console frame when we know who is looking. */
export function errorPage(title: string, message: string, ctx?: ConsoleContext): string {
  const body = html`<h1>${title}</h1>
<p class="alert" role="alert">${message}</p>
${ctx ? html`<p><a href="${ctx.base}/apps">Back to the Integration Center</a></p>` : html`<p><a href="/console">Go to the Integration Center</a></p>`}`;
  return ctx ? consoleLayout({ ctx, section: 'apps', title, body }) : layout({ title, body });
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
  const what = feature === 'createApps' ? 'Creating OAuth apps' : 'Connecting apps to your company';
  return consoleLayout({
    ctx,
    section: 'apps',
    title: 'Upgrade required',
    body: html`<h1>Upgrade required</h1>
<p class="alert" role="alert">${what} needs the ${plans.join(' or ')} plan. ${ctx.company.name} is on the <strong>${ctx.company.plan}</strong> plan.</p>
<p class="lead">Nothing has changed. Once your plan includes this feature, come back to this page.</p>
<p><a href="${ctx.base}/apps">Back to OAuth apps</a></p>`,
  });
}

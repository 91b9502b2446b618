import type { App } from '../../apps/app-service.ts';
import {
  ACTOR_TOKEN_RULES,
  type ActorTokenRule,
  type TokenExchangePolicy,
} from '../../apps/token-exchange-settings.ts';
import type { Translator } from '../../i18n/translator.ts';
import { html, type SafeHtml } from '../../pages/html.ts';

/** The token-exchange part of the edit form, as typed (docs/flows/token-exchange.md). */
export interface ExchangeDraft {
  on: boolean;
  resources: string;
  subjects: string;
  actorToken: ActorTokenRule;
}

export function exchangeDraftOf(app: App): ExchangeDraft {
  const p = app.tokenExchange;
  return {
    on: p !== null,
    resources: p?.allowedResources.join('\n') ?? '',
    subjects: p?.allowedSubjectClients?.join('\n') ?? '',
    actorToken: p?.actorToken ?? 'allowed',
  };
}

export function exchangeDraftFrom(field: (name: string) => string): ExchangeDraft {
  const rule = field('exchange_actor_token') as ActorTokenRule;
  return {
    on: field('token_exchange') === 'on',
    resources: field('exchange_resources'),
    subjects: field('exchange_subjects'),
    actorToken: ACTOR_TOKEN_RULES.includes(rule) ? rule : 'allowed',
  };
}

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The patch: a policy when on, null to take one away, nothing for an app that never had one. */
export function exchangePatchFrom(
  app: App,
  draft: ExchangeDraft,
): { tokenExchange?: TokenExchangePolicy | null } {
  if (app.clientType !== 'confidential') return {};
  if (!draft.on) return app.tokenExchange === null ? {} : { tokenExchange: null };
  const subjects = lines(draft.subjects);
  return {
    tokenExchange: {
      allowedResources: lines(draft.resources),
      allowedSubjectClients: subjects.length > 0 ? subjects : null,
      actorToken: draft.actorToken,
    },
  };
}

/** The facts line of the app page, or nothing for an app that does not exchange. */
export function exchangeFacts(t: Translator, app: App): SafeHtml | string {
  const p = app.tokenExchange;
  if (!p) return '';
  const clients = p.allowedSubjectClients?.join(', ') ?? t.t('app.exchange_any_client');
  return html`<dt>${t.t('app.token_exchange')}</dt><dd>${t.t('app.exchange_for', { resources: p.allowedResources.join(', ') })} · ${t.t('app.exchange_subjects', { clients })} · ${t.t(`app.exchange_actor.${p.actorToken}`)}</dd>`;
}

const checked = (on: boolean) => (on ? html` checked` : '');

/** The form section, for confidential apps only (a public client cannot exchange). */
export function exchangeSection(
  t: Translator,
  app: App,
  draft: ExchangeDraft,
  error: (field: string) => SafeHtml | string,
): SafeHtml | string {
  if (app.clientType !== 'confidential') return '';
  return html`<h2>${t.t('app_form.exchange')}</h2>
<p class="hint">${t.t('app_form.exchange_hint')}</p>
<div class="choice"><input type="checkbox" id="token_exchange" name="token_exchange" value="on"${checked(draft.on)} aria-describedby="token_exchange-hint">
<label for="token_exchange">${t.t('app_form.exchange_on')}</label></div><p class="hint" id="token_exchange-hint">${t.t('app_form.exchange_on_hint')}</p>
<label for="exchange_resources">${t.t('app_form.exchange_resources')} <span class="hint">${t.t('app_form.exchange_resources_hint')}</span></label>
<textarea id="exchange_resources" name="exchange_resources" rows="2" dir="ltr">${draft.resources}</textarea>
<label for="exchange_subjects">${t.t('app_form.exchange_subjects')} <span class="hint">${t.t('app_form.exchange_subjects_hint')}</span></label>
<textarea id="exchange_subjects" name="exchange_subjects" rows="2" dir="ltr">${draft.subjects}</textarea>
<fieldset>
<legend>${t.t('app_form.exchange_actor')}</legend>
${ACTOR_TOKEN_RULES.map(
  (
    rule,
  ) => html`<div class="choice"><input type="radio" id="exchange_actor_token-${rule}" name="exchange_actor_token" value="${rule}"${checked(draft.actorToken === rule)}>
<label for="exchange_actor_token-${rule}">${t.t(`app.exchange_actor.${rule}`)}</label></div>`,
)}
</fieldset>
${error('tokenExchange')}`;
}

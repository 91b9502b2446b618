import type { MessageKey } from '../i18n/catalogs.ts';
import type { Text } from '../i18n/translator.ts';
import { authorizationResponseUrl, responseModeFor } from '../oauth/authorization-response.ts';
import type { AuthorizationRequest, ErrorRedirectTarget } from '../oauth/endpoints/authorize.ts';
import type { OAuthError } from '../oauth/errors.ts';
import type { App, Company, Grant, User } from '../storage/types.ts';
import type { Outcome } from './authorization-service.ts';

/**
 * What the browser does next, as the authorization flow decides it (flow.ts), and how an error
 * or a completed authorization becomes its redirect. The HTTP side
 * only translates: a step with a `flowId` is a 303 to that step's page, `redirect` is a 303 to
 * the client, the pages are rendered. Nothing here knows a URL of ours or a status line
 * beyond the error pages'.
 */
export type FlowStep =
  /** Nobody is signed in: the sign-in page. */
  | { kind: 'sign-in'; flowId: string }
  /** The user may grant for more than one company: the company chooser. */
  | { kind: 'choose-company'; flowId: string }
  /** The consent page. */
  | { kind: 'consent'; flowId: string }
  /** After a form POST: go on with a GET (303 then GET), which asks the flow again. */
  | { kind: 'continue'; flowId: string }
  /** A company grant for an app without a redirect URI: the page that shows the GUID. */
  | { kind: 'show-grant'; flowId: string }
  /** The company's plan does not allow granting access: a 403 page, and nothing was shared. */
  | { kind: 'plan-required'; company: Company; plans: string[] }
  /** Back to the client: the authorization response, or an error (RFC 6749 4.1.2, 4.2.2). */
  | { kind: 'redirect'; response: 'code' | 'token' | 'company_grant' | 'error'; url: string }
  | ErrorPageStep;

/** An error shown on our own page: there is no client to send it to, or no flow to go on with. */
export interface ErrorPageStep {
  kind: 'error-page';
  status: 400 | 403 | 500;
  /** Catalog texts (i18n/): the page is rendered in the locale of its request. */
  title: Text;
  message: Text;
  /** An OAuth error_description: technical, for the app's developers, shown as it is. */
  detail?: string;
  /** The OAuth or page error code, shown on the page. */
  code?: string;
}

/** What the sign-in page needs to know of the pending flow. */
export interface PendingFlowView {
  flowId: string;
  appName: string;
  /** Where the flow ends; CSP form-action must allow it (null: a page of ours). */
  redirectUri: string | null;
  /** OIDC `login_hint`: the e-mail the sign-in page starts with. */
  loginHint: string | null;
}

/** GET /login: go on with the flow, say who is signed in, or show the form. */
export type SignInView =
  | { kind: 'continue'; flowId: string }
  /** Signed in, with no flow to go on with; `user` is gone if the account was deleted since. */
  | { kind: 'signed-in'; user?: User }
  | { kind: 'sign-in-page'; pending?: PendingFlowView };

export interface CompanyChoiceView extends PendingFlowView {
  kind: 'company-page';
  companies: Company[];
  /** The e-mail of whoever is signed in: the chooser offers to use another account. */
  signedInAs: string;
}

export interface ConsentView extends PendingFlowView {
  kind: 'consent-page';
  app: App;
  company: Company;
  user: User;
  /** Every requested scope, OIDC ones included, to be described on the page. */
  scopes: string[];
}

export interface GrantShownView {
  kind: 'grant-page';
  appName: string;
  company: Company;
  grant: Grant;
}

export const EXPIRED: ErrorPageStep = {
  kind: 'error-page',
  status: 400,
  title: { key: 'flow.expired_title' },
  message: { key: 'flow.expired' },
};

/** A page of the flow was opened or posted for a flow that is gone. */
export const GONE: ErrorPageStep = {
  kind: 'error-page',
  status: 400,
  title: { key: 'flow.expired_title' },
  message: { key: 'flow.gone' },
};

const redirect = (response: 'code' | 'token' | 'company_grant' | 'error', url: string): FlowStep => ({
  kind: 'redirect',
  response,
  url,
});

export function errorPage(status: 400 | 500, title: MessageKey, err: OAuthError): ErrorPageStep {
  return {
    kind: 'error-page',
    status,
    title: { key: title },
    message: { key: 'flow.refused' },
    detail: err.description,
    code: err.error,
  };
}

/**
 * An error for the client: in the query, or in the fragment when a token was asked for
 * (RFC 6749 4.2.2.1), with `iss` (RFC 9207); on a page when there is no redirect URI.
 */
export function errorRedirect(issuer: string, req: ErrorRedirectTarget, err: OAuthError): FlowStep {
  if (req.redirectUri === null) return errorPage(err.status === 500 ? 500 : 400, 'flow.failed_title', err);
  const params = { error: err.error, error_description: err.description, state: req.state, iss: issuer };
  return redirect(
    'error',
    authorizationResponseUrl(req.redirectUri, responseModeFor(req.responseType), params),
  );
}

/**
 * What the app asked for, sent to its redirect URI: a code in the query (RFC 6749 4.1.2), a
 * token in the fragment (4.2.2), or a company grant's GUID and company in the fragment; each
 * with `iss` (RFC 9207), as the metadata's `authorization_response_iss_parameter_supported` says.
 */
export function delivered(iss: string, req: AuthorizationRequest, outcome: Outcome): FlowStep {
  // Only company-grant apps may lack a redirect URI (oauth/endpoints/authorize.ts), and the flow
  // shows their grant on a page instead.
  const uri = req.redirectUri as string;
  const state = req.state;
  if (outcome.kind === 'company_grant') {
    const { guid, companyId } = outcome.grant;
    return redirect(
      'company_grant',
      authorizationResponseUrl(uri, 'fragment', { guid, company_id: companyId, state, iss }),
    );
  }
  if (outcome.kind === 'token') {
    const { accessToken: access_token, expiresIn, scope } = outcome;
    const params = { access_token, token_type: 'Bearer', expires_in: String(expiresIn), scope, state, iss };
    return redirect('token', authorizationResponseUrl(uri, 'fragment', params));
  }
  return redirect('code', authorizationResponseUrl(uri, 'query', { code: outcome.code, state, iss }));
}

import type { App, Company, Grant, User } from '../storage/types.ts';

/**
 * What the browser does next, as the authorization flow decides it (flow.ts). The HTTP side
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
  title: string;
  message: string;
  /** The OAuth or page error code, shown on the page. */
  code?: string;
}

/** What the sign-in page needs to know of the pending flow. */
export interface PendingFlowView {
  flowId: string;
  appName: string;
  /** Where the flow ends; CSP form-action must allow it (null: a page of ours). */
  redirectUri: string | null;
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
  title: 'This request has expired',
  message: 'The authorization request is no longer valid. Go back to the app and start again.',
};

/** A page of the flow was opened or posted for a flow that is gone. */
export const GONE: ErrorPageStep = {
  kind: 'error-page',
  status: 400,
  title: 'This request has expired',
  message: 'Go back to the app and start again.',
};

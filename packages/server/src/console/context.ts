import type { ActiveSession } from '../authorization/session-service.ts';
import type { Company } from '../companies/company-service.ts';
import type { Gatehouse } from '../gatehouse.ts';
import type { SessionCookies } from '../http/session-cookie.ts';
import type { PageUi } from '../pages/layout.ts';
import type { Role, User } from '../users/user-service.ts';

/** What every console route is built with. */
export interface ConsoleDeps extends SessionCookies {
  gh: Gatehouse;
}

/** Who is looking at which company: loaded for every console page (guards.ts). */
export interface ConsoleContext {
  active: ActiveSession;
  user: User;
  company: Company;
  role: Role;
  isAdmin: boolean;
  /** Every company the user belongs to, for the switcher. */
  companies: { company: Company; role: Role }[];
  csrf: string;
  /** `/console/c/<company id>`: every page of this company lives under it. */
  base: string;
  /** The audit actor for changes made here. */
  actor: string;
  /** The locale and theme the pages are rendered in. */
  ui: PageUi;
}

export const companyBase = (companyId: string) => `/console/c/${encodeURIComponent(companyId)}`;

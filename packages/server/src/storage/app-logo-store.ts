import type { AppLogo } from './types.ts';

/** Logos uploaded for apps, served from Gatehouse itself. */
export interface AppLogoStore {
  /** Stores an uploaded logo (already checked to be a PNG or JPEG). */
  putAppLogo(logo: Omit<AppLogo, 'createdAt'>): Promise<AppLogo>;
  /** Unscoped: logos are public, served to any browser that shows the app. */
  getAppLogo(id: string): Promise<AppLogo | undefined>;
  /** False when there is no such logo in this company. */
  deleteAppLogo(companyId: string, id: string): Promise<boolean>;
}

import { ValidationError } from '../errors.ts';

export const PLANS = ['free', 'pro', 'enterprise'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks of the directory's fields, shared by company and user writes (messages name the field). */

export function companyName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 100 || CONTROL.test(name))
    throw new ValidationError('company name must be 1 to 100 characters', {
      name: 'must be 1 to 100 characters',
    });
  return name;
}

export function plan(raw: string): string {
  if (!(PLANS as readonly string[]).includes(raw))
    throw new ValidationError(`plan must be one of ${PLANS.join(', ')}`, { plan: 'unknown plan' });
  return raw;
}

export function userName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 100 || CONTROL.test(name))
    throw new ValidationError('user name must be 1 to 100 characters', {
      name: 'must be 1 to 100 characters',
    });
  return name;
}

export function email(raw: string): string {
  const address = raw.trim();
  if (!EMAIL.test(address) || address.length > 254)
    throw new ValidationError('email address is not valid', { email: 'not a valid address' });
  return address;
}

export function password(raw: string): string {
  if (raw.length < 12 || raw.length > 1024)
    throw new ValidationError('password must be 12 to 1024 characters', {
      password: '12 to 1024 characters',
    });
  return raw;
}

/** The SaaS company's own id for an object: 1 to 255 characters, no control characters; null clears it. */
export function externalId(raw: string | null): string | null {
  if (raw === null) return null;
  if (raw.length === 0 || raw.length > 255 || CONTROL.test(raw) || raw.trim() !== raw)
    throw new ValidationError('external_id must be 1 to 255 characters without surrounding spaces', {
      externalId: '1 to 255 characters, no control characters or surrounding spaces',
    });
  return raw;
}

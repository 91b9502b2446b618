/**
 * Where to go after sign-in, when the sign-in started in the console or on the device
 * verification page: a relative path under /console or /device only, so a crafted login
 * link can never send the browser elsewhere
 * (no scheme, no `//host`, no backslash, no encoded dot segments).
 */
export function safeReturnTo(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 500) return undefined;
  if (!/^\/(?:console|device)(?:\/[A-Za-z0-9_\-/]*)?(?:\?[A-Za-z0-9_\-=&%.]*)?$/.test(value))
    return undefined;
  if (value.includes('//') || /%2e|%2f|%5c/i.test(value) || value.includes('/.')) return undefined;
  return value;
}

// Module resolution hook for source checkouts (bin/cli.js registers it): resolves workspace
// packages through their `@gatehouse/source` export condition, the TypeScript sources, as
// `node --conditions=@gatehouse/source` would. Never used by the published package.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@gatehouse/source')
    ? context.conditions
    : [...context.conditions, '@gatehouse/source'];
  return nextResolve(specifier, { ...context, conditions });
}

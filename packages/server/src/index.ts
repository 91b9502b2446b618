/** @gatehouse/server: the authorization server as a library. */
export { AppService } from './apps/app-service.ts';
export type { AppInput } from './apps/validation.ts';
export { type Config, configWarnings, loadConfig } from './config/index.ts';
export { type DemoCredentials, type SeedResult, seedDemo } from './demo/seed.ts';
export { DomainError, NotFoundError, ValidationError } from './errors.ts';
export { Gatehouse, type GatehouseOptions } from './gatehouse.ts';
export { buildHttpApp } from './http/app.ts';
export { createLogger } from './logger.ts';
export * from './oauth/errors.ts';
export type { GrantHandler } from './oauth/grants/grant-handler.ts';
export { DEFAULT_SCOPE_CATALOG, type ScopeCatalog } from './oauth/scopes/catalog.ts';
export { ScopeModel, type ScopePolicy } from './oauth/scopes/model.ts';
export { type RunningServer, startServer } from './server.ts';
export { openStorage, SqlStorage } from './storage/sql/storage.ts';
export type { Storage } from './storage/storage.ts';
export type * from './storage/types.ts';

/** @gatehouse/demo-api: the SaaS API the seed guides protect. */
export { createDemoApi, type DemoApiOptions, type RunningDemoApi, startDemoApi } from './app.ts';
export { type DemoUser, UsersStore } from './users-store.ts';

/** Scopes every target grants the benchmark clients, requested explicitly by every scenario. */
export const BENCH_SCOPES = ['users.read', 'users.write'];
export const BENCH_REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const BENCH_SCOPE_PARAM = BENCH_SCOPES.join(' ');

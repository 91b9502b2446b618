/**
 * The messages between a cluster's primary and its workers (`gatehouse serve --workers N`),
 * over node:cluster's IPC channel. Each carries `gatehouse` so that other protocols on the same
 * channel (prom-client's own, node's internal ones) pass by.
 */
export type ClusterMessage =
  /** Worker → primary: listening, with the URL it serves. */
  | { gatehouse: 'ready'; url: string }
  /** Primary → worker: finish what is in flight, close, exit 0. */
  | { gatehouse: 'stop' }
  /** Worker → primary: a scrape of /metrics on the main port wants the cluster's metrics. */
  | { gatehouse: 'metrics'; id: number }
  /** Primary → worker: the answer to `metrics` `id`. */
  | { gatehouse: 'metrics-result'; id: number; contentType?: string; body?: string; error?: string };

/** The environment variable that tells a worker how many workers its primary runs. */
export const WORKERS_ENV = 'GATEHOUSE_CLUSTER_WORKERS';

export function isClusterMessage(m: unknown): m is ClusterMessage {
  return typeof m === 'object' && m !== null && typeof (m as { gatehouse?: unknown }).gatehouse === 'string';
}

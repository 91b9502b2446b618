import cluster from 'node:cluster';
import type { Scrape } from '../metrics/prometheus.ts';
import { type ClusterMessage, isClusterMessage, WORKERS_ENV } from './protocol.ts';

/** True in a worker process of `gatehouse serve --workers N`. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** How many workers this worker's primary runs (1 outside a cluster). */
export function clusterSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env[WORKERS_ENV]);
  return cluster.isWorker && Number.isInteger(n) && n > 0 ? n : 1;
}

/** This worker's number in its cluster (1, 2, ...; replacements count on). */
export function workerId(): number | undefined {
  return cluster.worker?.id;
}

function send(m: ClusterMessage): void {
  if (process.send && process.connected) process.send(m);
}

/** Tells the primary this worker listens at `url`. */
export function announceListening(url: string): void {
  send({ gatehouse: 'ready', url });
}

/**
 * Resolves with the reason once this worker should stop: the primary asked (`stop`), or the
 * process got SIGTERM or SIGINT itself (Ctrl-C reaches the whole process group; a service
 * manager may signal every process of the unit). A worker whose primary is gone (the IPC
 * channel closed) is ended by node:cluster itself, at once.
 */
export function stopRequested(): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('message', onMessage);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(why);
    };
    const onMessage = (m: unknown) => {
      if (isClusterMessage(m) && m.gatehouse === 'stop') done('stop');
    };
    const onTerm = () => done('SIGTERM');
    const onInt = () => done('SIGINT');
    process.on('message', onMessage);
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}

/** Closes the IPC channel so the process can end (with the exit code it sets). */
export function leaveCluster(): void {
  if (cluster.worker?.isConnected()) cluster.worker.disconnect();
}

let nextId = 0;
const METRICS_TIMEOUT_MS = 10_000;

/** The whole cluster's metrics, aggregated by the primary (a scrape of /metrics on this worker). */
export function askPrimaryForMetrics(): Promise<Scrape> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!isClusterMessage(m) || m.gatehouse !== 'metrics-result' || m.id !== id) return;
      finish();
      if (m.error !== undefined || m.body === undefined || m.contentType === undefined)
        reject(new Error(`the primary could not gather the cluster's metrics: ${m.error ?? 'no answer'}`));
      else resolve({ contentType: m.contentType, body: m.body });
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error('the primary did not answer for the cluster metrics'));
    }, METRICS_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    send({ gatehouse: 'metrics', id });
  });
}

/**
 * Summarises a V8 CPU profile (node --cpu-prof; `npm run bench -- --profile` writes them to
 * bench/results/profiles): self time by function and by package, the top entries first.
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profiles/gatehouse.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<pkg>` (scoped too), `node:internal`, or our source file. */
function area(url: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:'))
    return url
      .replace(/^node:internal\/(.*)$/, 'node:$1')
      .split('/')
      .slice(0, 2)
      .join('/');
  if (url === '') return '(native / GC / idle)';
  const src = /(packages\/[^/]+\/src\/[^:]+|bench\/\.build\/[^:]+|bench\/[^:]+)/.exec(url);
  return src ? src[1]! : url;
}

export function summarise(profile: Profile, top = 20): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    total += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.startsWith('node:') ? url.slice('node:internal/'.length) : area(url);
    const key = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    pkg.set(area(url), (pkg.get(area(url)) ?? 0) + dt);
  });
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `self time by area (${(total / 1e6).toFixed(1)} s sampled):\n${rows(pkg)}\n\nself time by function:\n${rows(fn)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top ?? 20)));
}

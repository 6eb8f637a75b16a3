/**
 * npx tsx bench/cpu-profile.ts /tmp/prof [how many]
 *
 * Sums the self time of the .cpuprofile files in a folder (as written by `node --cpu-prof`, e.g.
 * BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- --only staff-queue)
 * by function and by package, idle time left out: where the server's CPU goes under load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const folder = process.argv[2];
if (!folder) throw new Error('usage: tsx bench/cpu-profile.ts <folder of .cpuprofile files> [how many]');
const shown = Number(process.argv[3] ?? 25);

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);

for (const file of readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Profile;
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (ms === 0 || node.callFrame.functionName === '(idle)') continue;
    total += ms;
    // node_modules/<package>/…, or the project's own file, or a native/V8 entry.
    const url = node.callFrame.url.replace(/^file:\/\//, '');
    const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const where = inModules ?? (url ? path.relative(process.cwd(), url) : '(native)');
    add(byFunction, `${node.callFrame.functionName || '(anonymous)'}  ${where}:${node.callFrame.lineNumber + 1}`, ms);
    add(byPackage, where, ms);
  }
}

const table = (map: Map<string, number>) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, shown)
    .map(([key, ms]) => `${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${key}`)
    .join('\n');

process.stdout.write(`${total.toFixed(0)} ms of CPU sampled\n\nby function (self time)\n${table(byFunction)}\n\nby package or file\n${table(byPackage)}\n`);

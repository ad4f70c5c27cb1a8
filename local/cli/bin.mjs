#!/usr/bin/env node
// The `weather-pipeline` bin. main.ts needs Node's type stripping (22.18+); an older `node` on PATH hands over to
// the Node 22 that `npm ci` installs (the `node` devDependency) instead of failing on the first type annotation.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  const cli = await import(main);
  process.exit(await cli.main(process.argv.slice(2)));
} else {
  const node = createRequire(import.meta.url).resolve('node/bin/node');
  const result = spawnSync(node, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

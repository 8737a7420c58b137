// Runs a shell command with another Node major version first on PATH (so `node` and `npm run`
// inside it use that Node): node scripts/with-node.mjs 24 'npm run test:unit'.
// The binary is the official one, published on the npm registry as the package node-<os>-<arch>
// (npm checks the tarball against the registry's integrity); it is fetched once into build/node-<major>/.
import {execFileSync, execSync} from 'node:child_process';
import {existsSync, mkdirSync, rmSync} from 'node:fs';
import {resolve} from 'node:path';

const [major, command] = process.argv.slice(2);
if (!/^\d+$/.test(major ?? '') || !command) {
  console.error("usage: node scripts/with-node.mjs <major> '<command>'");
  process.exit(2);
}
const dir = resolve(`build/node-${major}`);
const bin = `${dir}/package/bin`;
if (!existsSync(`${bin}/node`)) {
  const name = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  rmSync(dir, {recursive: true, force: true});
  mkdirSync(dir, {recursive: true});
  const [packed] = JSON.parse(execFileSync('npm', ['pack', `${name}@${major}`, '--pack-destination', dir, '--json'],
      {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']}));
  execFileSync('tar', ['xzf', `${dir}/${packed.filename}`, '-C', dir]);
  rmSync(`${dir}/${packed.filename}`);
}
const version = execFileSync(`${bin}/node`, ['--version'], {encoding: 'utf8'}).trim();
console.log(`with Node ${version} (${bin}/node): ${command}`);
try {
  execSync(command, {stdio: 'inherit', env: {...process.env, PATH: `${bin}:${process.env.PATH}`}});
} catch (e) {
  process.exit(e.status ?? 1);
}

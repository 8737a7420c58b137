// Runs `npm ci` when node_modules is missing or does not match package-lock.json, so `npm start`
// and `npm test` work as the first command typed in a fresh clone (their pre-scripts call this).
// Node built-ins only: nothing is installed when it runs.
import {execSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';

/** Why node_modules needs installing, or null when it holds exactly what the lockfile says. */
export function staleReason(root = '.') {
  const installedFile = `${root}/node_modules/.package-lock.json`;
  if (!existsSync(installedFile)) return 'node_modules is not installed';
  const wanted = JSON.parse(readFileSync(`${root}/package-lock.json`, 'utf8')).packages;
  // npm writes node_modules/.package-lock.json: what it installed, one entry per package folder.
  const installed = JSON.parse(readFileSync(installedFile, 'utf8')).packages;
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '') continue;  // the project itself
    const have = installed[path];
    // Optional packages for other platforms (esbuild's, ...) are not installed: that is fine.
    if (have == null) {
      if (entry.optional) continue;
      return `${path} is missing`;
    }
    if (have.version !== entry.version) return `${path} is ${have.version}, the lockfile says ${entry.version}`;
  }
  for (const path of Object.keys(installed)) {
    if (!(path in wanted)) return `${path} is installed but not in the lockfile`;
  }
  return null;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const reason = staleReason();
  if (reason != null) {
    console.log(`${reason}: running npm ci`);
    execSync('npm ci --no-audit --no-fund', {stdio: 'inherit'});
  }
}

// Installs the Debian packages the tests need when they are missing: Chromium for the browser tests
// and Mesa (EGL, GLES, the llvmpipe driver) for WebGPU in Node through Dawn. `npm test` runs this
// first (its pretest), so a fresh machine needs no step of its own. As root it runs apt-get; as
// another user, sudo when it needs no password; otherwise it stops at once, before anything is
// built, with the command to run. Node built-ins only: nothing is installed when it runs.
import {execFileSync, spawnSync} from 'node:child_process';

export const PACKAGES = ['chromium', 'libegl1', 'libgles2', 'libgl1-mesa-dri'];

/** The packages of `PACKAGES` that dpkg does not list as installed. */
export function missingPackages(packages = PACKAGES) {
  return packages.filter((name) => {
    const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], {encoding: 'utf8'});
    return query.status !== 0 || !query.stdout.includes('install ok installed');
  });
}

function run(command, args) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  execFileSync(command, args, {stdio: 'inherit', env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'}});
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    console.error(`The tests need Debian's packages ${PACKAGES.join(', ')} (Chromium at /usr/bin/chromium, Mesa's ` +
        'EGL and GLES with the llvmpipe driver), and this system has no dpkg: install their equivalents by hand.');
    process.exit(1);
  }
  const missing = missingPackages();
  if (missing.length > 0) {
    const root = process.getuid?.() === 0;
    const sudo = !root && spawnSync('sudo', ['-n', 'true']).status === 0;
    if (!root && !sudo) {
      const some = missing.length > 1;
      console.error(`The tests need Debian's package${some ? 's' : ''} ${missing.join(', ')}, which ${some ? 'are' : 'is'} ` +
          `not installed, and installing ${some ? 'them' : 'it'} needs root. Run:\n\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n\nthen npm test again.`);
      process.exit(1);
    }
    console.log(`Installing Debian's packages the tests need: ${missing.join(', ')}`);
    const asRoot = (args) => (root ? run(args[0], args.slice(1)) : run('sudo', ['-n', '-E', ...args]));
    asRoot(['apt-get', 'update', '-q']);
    asRoot(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]);
    const still = missingPackages();
    if (still.length > 0) {
      console.error(`apt-get ran but ${still.join(', ')} ${still.length > 1 ? 'are' : 'is'} still not installed`);
      process.exit(1);
    }
  }
}

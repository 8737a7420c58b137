// The source layout's rules (docs/layout.md): no import cycle in src/ or assembly/ (type imports
// included), and no hand-written file over 450 lines.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const MAX_LINES = 450;
/** Written by the build (scripts/gen-igemm.mjs, scripts/build-wasm.mjs), ignored by git. */
const GENERATED = ['src/generated/', 'assembly/kernels/igemm_tile.ts'];

function sources(folder) {
  return readdirSync(join(ROOT, folder), {recursive: true, withFileTypes: true})
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => relative(ROOT, join(e.parentPath ?? e.path, e.name)))
      .filter((file) => !GENERATED.some((g) => file.startsWith(g)));
}

/** The files of this tree a file imports or re-exports from, types included. */
function importsOf(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]/gms)].map((m) => m[1]);
  return specifiers.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, '') + '.ts');
}

/** A cycle of `graph` (a Map from each file to the files it imports), as a list of files, or null. */
function findCycle(graph) {
  const state = new Map();  // 1: on the current path, 2: done
  const path = [];
  const visit = (file) => {
    if (state.get(file) === 2) return null;
    if (state.get(file) === 1) return [...path.slice(path.indexOf(file)), file];
    state.set(file, 1);
    path.push(file);
    for (const next of graph.get(file)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, 2);
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

for (const folder of ['src', 'assembly']) {
  test(`${folder}/ has no import cycle, type imports included`, () => {
    const files = sources(folder);
    assert.ok(files.length > 20, `${files.length} files`);
    const cycle = findCycle(new Map(files.map((f) => [f, importsOf(f).filter((g) => files.includes(g))])));
    assert.is(cycle, null, cycle && `cycle: ${cycle.join(' -> ')}`);
  });

  test(`no file in ${folder}/ is over ${MAX_LINES} lines`, () => {
    const long = sources(folder).map((f) => [f, readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1])
        .filter(([, lines]) => lines > MAX_LINES);
    assert.equal(long, [], long.map(([f, n]) => `${f}: ${n} lines`).join(', '));
  });
}

test('the checks see what they check: a cycle, and type imports', () => {
  assert.equal(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.is(findCycle(new Map([['a', ['b']], ['b', []], ['c', ['a', 'b']]])), null);
  assert.ok(importsOf('src/conv/igemm.ts').includes('src/backend.ts'), 'a type import is an edge');
  assert.ok(importsOf('assembly/index.ts').length > 10, 'AssemblyScript imports are read');
});

test.run();

// Node's `process`, seen from code that also runs in browsers (the package does not depend on
// @types/node): the parts asc reads, or undefined outside Node.

interface NodeProcess {
  versions: {node: string};
  execPath: string;
  env: Record<string, string|undefined>;
}

export function nodeProcess(): NodeProcess|undefined {
  const process = (globalThis as {process?: NodeProcess}).process;
  return process?.versions?.node != null ? process : undefined;
}

/**
 * Imports a Node built-in or a Node-only package by a name bundlers leave alone (it never loads in
 * a browser).
 */
export function importNodeModule<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ name) as Promise<T>;
}

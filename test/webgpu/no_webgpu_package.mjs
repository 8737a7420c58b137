// A module resolve hook (node --import) that makes the optional `webgpu` package look uninstalled.
import {register} from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'webgpu') throw new Error("Cannot find package 'webgpu'");
  return next(specifier, context);
}`));

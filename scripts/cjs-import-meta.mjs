// esbuild options for a CommonJS bundle of code that reads import.meta.url (webgpu_device.ts
// resolves the `webgpu` package from it): CommonJS has no import.meta, so the URL is the bundle's
// own file URL, defined after the strict directive (which must stay first).
export const cjsImportMetaUrl = {
  define: {'import.meta.url': 'import_meta_url'},
  banner: {js: '"use strict";\nconst import_meta_url = require("node:url").pathToFileURL(__filename).href;'},
};

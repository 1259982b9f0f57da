// The product as users run it: the build in dist/ (`npm run bench` builds first), typed by its sources. Measuring
// the TypeScript sources through tsx would measure the transpiler's output instead.

/** Imports a module of the build, `module` being its path under dist/ ("src/core.js"). */
export const loadBuilt = <T>(module: string): Promise<T> => import(new URL(`../dist/${module}`, import.meta.url).href) as Promise<T>;

export const { createArticleStore } = await loadBuilt<typeof import("../src/articles/store.js")>("src/articles/store.js");
export const { createCore, INDEX_IN_WORKER_FROM_BYTES } = await loadBuilt<typeof import("../src/core.js")>("src/core.js");
export const { openDatabase } = await loadBuilt<typeof import("../src/storage/database.js")>("src/storage/database.js");

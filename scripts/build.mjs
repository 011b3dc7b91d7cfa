// `npm run build`: bundles the CLI (src, drivers, protocols, sim and the pure-JavaScript dependencies)
// with esbuild into dist/axisguard.mjs, so that bin/axisguard.js starts without a TypeScript loader and
// without resolving and parsing hundreds of module files. What a command loads only when it runs
// (src/cli/drive-line.ts, the bench run, the simulator, the latency probes) stays in chunks of its own
// that are not parsed at start. Type-checking is `tsc -p .` (npm test), not this.
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { STAMP, lockDigest } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist`;

/**
 * Loaded by Node from node_modules at run time, not bundled: native bindings (serialport and the
 * binding it loads, johnny-five with its own serialport 8, an optional dependency), and pino, whose
 * transports start worker threads from files next to its own (none is used, and it loads only with
 * drive-line; bundled, a transport would look for those files in dist/).
 */
const EXTERNAL = ['@serialport/bindings-cpp', 'serialport', 'johnny-five', 'pino'];

/**
 * Our modules find their assets relative to their own source file (`new URL('../../examples/...',
 * import.meta.url)`). In the bundle, `import.meta.url` is the URL of the output file, so each of our
 * modules gets its source file's URL instead, computed from the output file's: every output file sits
 * directly in dist/, hence '../' + the path from the package root. The assets are read where they
 * are in the package (examples/, hardware/profiles/, package.json), none is copied.
 */
const sourceUrlPlugin = {
  name: 'import-meta-url-of-the-source',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const path = relative(root, args.path);
      if (path.startsWith('..') || path.split(sep).includes('node_modules')) return undefined;
      let contents = await readFile(args.path, 'utf8');
      const fromOutput = `../${path.split(sep).map(encodeURIComponent).join('/')}`;
      contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`);
      return { contents, loader: 'ts' };
    });
  },
};

// The lock file as it is now, before esbuild reads what it pins; the sources' time, before esbuild reads them.
const digest = lockDigest(root);
const startedAt = new Date();
await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { axisguard: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  outExtension: { '.js': '.mjs' },
  // Flat: every output file directly in dist/ (sourceUrlPlugin relies on it).
  chunkNames: '[name]-[hash]',
  external: EXTERNAL,
  // The CommonJS dependencies (commander, yaml, prom-client) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __axisguardCreateRequire } from 'node:module';\nconst require = __axisguardCreateRequire(import.meta.url);",
  },
  plugins: [sourceUrlPlugin],
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
const nested = outputs.map(([file]) => file).filter((file) => dirname(file) !== 'dist');
if (nested.length > 0)
  throw new Error(`build: output outside dist/ itself (the import.meta.url rewrite needs them flat): ${nested.join(', ')}`);

// What a start parses: the entry and the chunks it imports statically, and which packages it loads from node_modules.
const entry = 'dist/axisguard.mjs';
const atStart = new Set([entry]);
const externalAtStart = new Set();
for (const file of atStart) {
  for (const imported of result.metafile.outputs[file].imports) {
    if (imported.kind !== 'import-statement') continue;
    if (imported.external) {
      if (!imported.path.startsWith('node:')) externalAtStart.add(imported.path);
    } else atStart.add(imported.path);
  }
}
const kB = (files) => Math.round(files.reduce((sum, file) => sum + result.metafile.outputs[file].bytes, 0) / 1024);
console.log(
  `build: ${entry}: ${kB([...atStart])} kB parsed at start (${atStart.size} files), ${kB(outputs.map(([f]) => f))} kB in ${outputs.length} files;` +
    ` loaded from node_modules at start: ${[...externalAtStart].join(', ') || 'nothing'}`,
);

// Written last, dated when the build started: bin/axisguard.js runs dist/ only while no source is newer
// than this stamp (a source saved during the build counts as newer) and the lock file still matches.
await writeFile(`${root}${STAMP}`, digest);
await utimes(`${root}${STAMP}`, startedAt, startedAt);

/**
 * The boundaries table of ../shared/STYLE.md, "Boundaries that keep the layout honest", as rules
 * (README, "Layout"). Imports that broke them when the rules came in are listed in
 * .dependency-cruiser-known-violations.json: each is a known debt (issue #12), and no new one may
 * be added (`npm run lint:imports`, part of `npm test`).
 */
const REPO_CODE = '^(src|protocols|drivers|sim)/';

module.exports = {
  forbidden: [
    { name: 'no-cycles', comment: 'No import cycles, even type-only ones.', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'common-imports-nothing',
      comment: 'src/common/ (Clock, Event, Disposable, never-check) imports nothing of this repo but itself.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: REPO_CODE, pathNot: '^src/common/' },
    },
    {
      name: 'protocols-only-common',
      comment: 'protocols/ (transports, framing, CRC, bus scheduler, profile schema) imports only src/common/.',
      severity: 'error',
      from: { path: '^protocols/' },
      to: { path: REPO_CODE, pathNot: '^(src/common|protocols)/' },
    },
    {
      name: 'drivers-no-supervisor-or-sim',
      comment: 'drivers/ (the contract and each family) import the contract, protocols/ and src/common/ only.',
      severity: 'error',
      from: { path: '^drivers/' },
      to: { path: REPO_CODE, pathNot: '^(src/common|protocols|drivers)/' },
    },
    {
      name: 'sim-not-drivers',
      comment:
        "sim/ imports protocols/ and src/common/ only: never the drivers' decoding code, so a decoding bug cannot hide by being repeated.",
      severity: 'error',
      from: { path: '^sim/' },
      to: { path: REPO_CODE, pathNot: '^(src/common|protocols|sim)/' },
    },
    {
      name: 'concrete-parts-only-in-compose',
      comment:
        'The rest of src/ sees the driver contract and src/common/; concrete drivers, transports and sim/ only in the composition root (src/compose/).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/compose/' },
      to: { path: '^(drivers/[^/]+/|sim/|protocols/)' },
    },
    {
      name: 'only-cli-imports-cli',
      comment:
        'src/cli/ (the axisguard command: flags, printing, exit codes) sits on top: it may import the composition root (src/compose/) and the rest, and nothing of the repo imports it back, so the root builds and runs a line without the CLI.',
      severity: 'error',
      from: { path: REPO_CODE, pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    includeOnly: REPO_CODE,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};

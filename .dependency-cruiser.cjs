// Which way imports may run (DESIGN.md, Layout). `npm run lint:imports` checks them in CI: a wrong
// arrow fails the run. Type-only imports count too, except where a rule says otherwise.
const CORE = '^pipelines/(?!batch/)';
/** The analytics core's rooms, lowest first: each may import only rooms before it. */
const ROOMS = ['core', 'stats', 'disclosure', 'stages', 'charts', 'reports'];

module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			severity: 'error',
			comment: 'Files that import each other in a loop: split out what both need.',
			from: {},
			to: { circular: true }
		},
		{
			name: 'core-not-to-server',
			severity: 'error',
			comment: 'The analytics core uses the instrument and nothing of the server; only pipelines/batch/ wires it to the store.',
			from: { path: CORE },
			to: { path: '^src/lib/server/' }
		},
		{
			name: 'core-not-to-batch',
			severity: 'error',
			comment: 'The batch wires the core; the core knows nothing of it.',
			from: { path: CORE },
			to: { path: '^pipelines/batch/' }
		},
		{
			name: 'instrument-stands-alone',
			severity: 'error',
			comment: 'The instrument is data: it imports neither the server nor the analytics.',
			from: { path: '^src/lib/instrument/' },
			to: { path: '^(src/lib/server|pipelines)/' }
		},
		{
			name: 'nothing-imports-tests',
			severity: 'error',
			comment: 'Only tests import tests; bench has a kit of its own.',
			from: { pathNot: '^tests/' },
			to: { path: '^tests/' }
		},
		...ROOMS.map((room, i) => ({
			name: `${room}-imports-down`,
			severity: 'error',
			comment: `pipelines/${room}/ may import only ${ROOMS.slice(0, i).join(', ') || 'no other room'} of the core (types excepted).`,
			from: { path: `^pipelines/${room}/` },
			to: { path: `^pipelines/(${[...ROOMS.slice(i + 1), 'sources', 'settings'].join('|')})`, dependencyTypesNot: ['type-only'] }
		})),
		{
			name: 'sources-below-stages',
			severity: 'error',
			comment: 'Sources read and make responses; they publish nothing.',
			from: { path: '^pipelines/sources/' },
			to: { path: '^pipelines/(stats|stages|charts|reports|settings)' }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '^(node_modules|build|\\.svelte-kit)/' },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		enhancedResolveOptions: {
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default', 'types'],
			extensions: ['.ts', '.js', '.svelte', '.json']
		}
	}
};

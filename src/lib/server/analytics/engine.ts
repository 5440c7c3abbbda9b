// The dashboard engine: a process of its own, at a lower CPU priority, that works out planners'
// figures from a copy of the live cube (respondents first). A filter change is CPU work for a tenth of
// a second (DuckDB's aggregates, then disclosure control and charts in JavaScript); in the server's
// process it took the event loop from survey submissions and the cores from their commits. Here the
// operating system gives the survey what it needs first, and the dashboard the rest.
//
// The server keeps the snapshots and builds the live cube (live-cube.ts); at each new one it writes to
// Parquet the cube, or the rows the snapshot added to it, and this process loads what it lacks into its
// own in-memory DuckDB. Messages come over Node's IPC channel: engine-client.ts is the other end.
import { availableParallelism } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { forgetPrepared, keepPrepared, literalList } from '$pipelines/core/sql';
import {
	addToCube,
	dashboard,
	servedFigures,
	type Dashboard,
	type DashboardFilter,
	type DashboardSettings,
	type StatusedWave
} from './dashboard';
import { CONNECTIONS, CubeMemo, type CubeCopy, type CubeView } from './live-cube';

/** Where this module is: the server starts the engine process on it (built, a chunk of the server). */
export const ENGINE_URL = import.meta.url;

/** The lowest priority: Linux gives a thread of niceness 19 about 1.5% of the time one of 0 gets
 *  when both want a core, and all of it when the survey does not. */
export const ENGINE_NICENESS = 19;

const CATALOG = 'engine';

export type EngineRequest =
	| {
			id: number;
			kind: 'figures';
			cube: CubeCopy;
			waves: StatusedWave[];
			filter: DashboardFilter;
			settings: DashboardSettings;
			/** What the figures depend on besides the cube and the filters (figuresVersion). */
			version: string;
	  }
	| { id: number; kind: 'interrupt' };

export type EngineReply = { id: number; figures: Dashboard } | { id: number; error: string };

/** The engine's database: an in-memory DuckDB of its own with CONNECTIONS connections, and `load`, which
 *  brings it to a cube copy and the waves (once per cube). Its connections keep their statements
 *  prepared, and their plans stay in use from one filter change to the next while the row of chosen
 *  filters the dashboard's views select by changes under them (dashboard.ts), and from one snapshot to
 *  the next while the copy only adds rows. A plan must then rest on nothing those rows' statistics say:
 *  DuckDB's statistics propagation rewrites a plan by them (a filter the rows of the time could not
 *  meet becomes an empty result, duckdb/duckdb#23704 and #24182), so it is off here, as DuckDB itself
 *  turns it off for prepared plans from #24696 on. */
export async function engineDatabase(): Promise<{ live: CubeView; load: (cube: CubeCopy, waves: StatusedWave[]) => Promise<void> }> {
	const instance = await DuckDBInstance.create(':memory:');
	const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => instance.connect()));
	connections.forEach(keepPrepared);
	const [c] = connections;
	await c.run(`SET disabled_optimizers = 'statistics_propagation'`);
	await c.run(`ATTACH ':memory:' AS ${CATALOG}`);
	await c.run('CREATE TABLE waves (id VARCHAR, label VARCHAR, status VARCHAR)');
	const [memo, lasting] = [new CubeMemo(), new CubeMemo()];
	let loaded: CubeCopy | undefined;
	let waves = '';
	const live: CubeView = {
		c,
		connections,
		cube: `${CATALOG}.cube`,
		catalog: CATALOG,
		memo: (prefix) => memo.under(prefix),
		lasting: lasting.under('')
	};

	const load = async (cube: CubeCopy, list: StatusedWave[]) => {
		if (loaded?.version !== cube.version) {
			const known = loaded?.parts ?? [];
			// Should this fail half way, the next load replaces the cube: rows are never added twice.
			loaded = undefined;
			const adds = known.length > 0 && known.every((part, i) => cube.parts[i] === part);
			// Every core to load the cube; then one thread per query: a filter change's queries are small
			// and run side by side on the connections, where more threads per query only cost CPU
			// (measured: 10% less CPU per first visit).
			await c.run(`SET threads = ${availableParallelism()}`);
			if (adds) {
				// Rows added, no table replaced: the statements kept stay planned.
				const parts = cube.parts.slice(known.length);
				if (parts.length) await addToCube(live, `read_parquet(${literalList(parts)})`);
			} else {
				await c.run(`CREATE OR REPLACE TABLE ${live.cube} AS SELECT * FROM read_parquet(${literalList(cube.parts)})`);
				lasting.clear();
				// A table was replaced: statements kept from before would be planned again at every run.
				connections.forEach(forgetPrepared);
			}
			await c.run('SET threads = 1');
			memo.clear();
			loaded = cube;
		}
		const text = JSON.stringify(list);
		if (waves !== text) {
			// Rows replaced, not the table, for the same reason.
			await c.run('DELETE FROM waves');
			for (const w of list) await c.run('INSERT INTO waves VALUES ($1, $2, $3)', [w.id, w.label, w.status]);
			waves = text;
		}
	};
	return { live, load };
}

/** The engine's side: loads cubes, answers requests one at a time, stops when the server goes. */
export async function serveEngine(): Promise<void> {
	const { live, load } = await engineDatabase();
	const { connections } = live;

	let queue: Promise<unknown> = Promise.resolve();
	process.on('message', (request: EngineRequest) => {
		if (request.kind === 'interrupt') return connections.forEach((connection) => connection.interrupt());
		queue = queue.then(async () => {
			let reply: EngineReply;
			try {
				await load(request.cube, request.waves);
				reply = { id: request.id, figures: servedFigures(await dashboard(live, request.filter, request.settings, request.version)) };
			} catch (error) {
				reply = { id: request.id, error: (error as Error).message };
			}
			process.send!(reply);
		});
	});
	// The server went away: so does the engine.
	process.on('disconnect', () => process.exit(0));
	process.send!({ id: 0, ready: true });
}

// The live cube behind the planner dashboard: the pipeline's cube (pipelines/cube.ts) of every
// response in the database, in a temporary table on a connection of its own. A filter change then
// aggregates thousands of cube rows, not a million responses. New submissions reach it once they
// settle: the cube is rebuilt when the responses have changed and the current one has stood for
// `settleMs` (looked at no more often than that), so a burst of submissions does not rebuild it on
// every request and a filter change costs no scan of the responses.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../db/database';
import { Serial } from '../db/serial';
import { CUBE_SQL } from '../../../../pipelines/cube';
import { rows } from '../../../../pipelines/sql';
import type { SuccessMeasure } from '../../../../pipelines/reference';

export const LIVE_CUBE = 'live_cube';

export class LiveCube {
	readonly #serial = new Serial();
	#connection: DuckDBConnection | undefined;
	#responses: string | null = null;
	#measures: string | null = null;
	#builtAt = 0;
	#checkedAt = 0;

	constructor(
		readonly db: Database,
		readonly settleMs = Number(process.env.DASHBOARD_SETTLE_MS ?? 60_000)
	) {}

	/** Runs `job` on the cube's connection, one job at a time, after bringing the cube up to date. */
	use<T>(measures: SuccessMeasure[], job: (c: DuckDBConnection) => Promise<T>): Promise<T> {
		return this.#serial.run(async () => {
			const c = (this.#connection ??= await this.db.instance.connect());
			await this.#refresh(c, measures);
			return job(c);
		});
	}

	/** Builds now, whatever has changed; for benchmarks and the first request. */
	rebuild(measures: SuccessMeasure[]): Promise<void> {
		return this.#serial.run(async () => {
			const c = (this.#connection ??= await this.db.instance.connect());
			await this.#build(c, measures, await this.#responsesVersion(c));
		});
	}

	async #responsesVersion(c: DuckDBConnection) {
		const [v] = await rows<{ n: number; last: string | null }>(c, 'SELECT count(*) AS n, max(submitted_at)::VARCHAR AS last FROM responses');
		return `${v.n}|${v.last}`;
	}

	async #refresh(c: DuckDBConnection, measures: SuccessMeasure[]) {
		// Measures define cube columns, so a changed measure cannot wait; new responses can.
		const measuresChanged = hashOf(measures) !== this.#measures;
		if (!measuresChanged && Date.now() - Math.max(this.#builtAt, this.#checkedAt) < this.settleMs) return;
		this.#checkedAt = Date.now();
		const responses = await this.#responsesVersion(c);
		if (measuresChanged || responses !== this.#responses) await this.#build(c, measures, responses);
	}

	async #build(c: DuckDBConnection, measures: SuccessMeasure[], responses: string) {
		await c.run(`CREATE OR REPLACE TEMP TABLE ${LIVE_CUBE} AS ${CUBE_SQL(measures, 'responses')}`);
		this.#responses = responses;
		this.#measures = hashOf(measures);
		this.#builtAt = Date.now();
	}
}

const hashOf = (measures: SuccessMeasure[]) => createHash('sha256').update(JSON.stringify(measures)).digest('hex');

const cubes = new WeakMap<Database, LiveCube>();

/** The one live cube of a database in this process. */
export const liveCubeOf = (db: Database): LiveCube => cubes.get(db) ?? (cubes.set(db, new LiveCube(db)), cubes.get(db)!);

// The live cube behind the planner dashboard: the pipeline's cube (pipelines/core/cube.ts) of a published
// snapshot of the responses, in a temporary table on a connection of its own. A filter change then
// aggregates thousands of cube rows, not a million responses.
//
// Snapshots are disclosure control over time (docs/disclosure.md): the dashboard's figures move only
// from one snapshot to the next, at most once per `everySeconds` and only once `minNewResponses`
// responses have arrived since the last, so reading a small group before and after one submission
// shows nothing. A snapshot is the responses submitted up to its watermark; it is recorded in
// `dashboard_snapshots`, so a restart or a changed success measure rebuilds the same responses.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../db/database';
import { Serial } from '../db/serial';
import { CUBE_SQL } from '$pipelines/core/cube';
import { rows } from '$pipelines/core/sql';
import type { SuccessMeasure } from '$pipelines/core/reference';

export const LIVE_CUBE = 'live_cube';

export interface SnapshotPolicy {
	everySeconds: number;
	minNewResponses: number;
}

/** What the dashboard says about how fresh its figures are. */
export interface SnapshotInfo extends SnapshotPolicy {
	takenAt: string;
}

interface Snapshot {
	takenAt: string;
	/** Responses submitted at or before this instant are in. */
	watermark: string;
	responses: number;
}

export class LiveCube {
	readonly #serial = new Serial();
	#connection: DuckDBConnection | undefined;
	#snapshot: Snapshot | undefined;
	/** The snapshot and measures the temporary table was built from. */
	#built: string | null = null;
	#checkedAt = 0;

	constructor(
		readonly db: Database,
		readonly policy: SnapshotPolicy
	) {}

	/** Runs `job` on the cube's connection, one job at a time, after moving to a new snapshot if one is due. */
	use<T>(measures: SuccessMeasure[], job: (c: DuckDBConnection, snapshot: SnapshotInfo) => Promise<T>): Promise<T> {
		return this.#serial.run(async () => {
			const c = (this.#connection ??= await this.db.instance.connect());
			const snapshot = await this.#current(c);
			const version = `${snapshot.takenAt}|${hashOf(measures)}`;
			if (this.#built !== version) {
				const source = `(SELECT * FROM responses WHERE submitted_at <= '${snapshot.watermark}'::TIMESTAMPTZ)`;
				await c.run(`CREATE OR REPLACE TEMP TABLE ${LIVE_CUBE} AS ${CUBE_SQL(measures, source)}`);
				this.#built = version;
			}
			return job(c, { takenAt: snapshot.takenAt, ...this.policy });
		});
	}

	/** Takes a snapshot now, whatever the policy; for benchmarks and tests that load data first. */
	publishNow(): Promise<void> {
		return this.#serial.run(async () => {
			const c = (this.#connection ??= await this.db.instance.connect());
			this.#snapshot = await this.#take(c);
		});
	}

	async #current(c: DuckDBConnection): Promise<Snapshot> {
		this.#snapshot ??= (await this.#latest(c)) ?? (await this.#take(c));
		const due = Date.now() - Date.parse(this.#snapshot.takenAt) >= this.policy.everySeconds * 1000;
		// Counting responses is cheap, but not worth doing on every request once a snapshot is due.
		if (due && Date.now() - this.#checkedAt >= Math.min(5_000, this.policy.everySeconds * 1000)) {
			this.#checkedAt = Date.now();
			const [{ n }] = await rows<{ n: number }>(c, 'SELECT count(*)::INTEGER AS n FROM responses');
			if (n - this.#snapshot.responses >= this.policy.minNewResponses) this.#snapshot = await this.#take(c);
		}
		return this.#snapshot;
	}

	async #latest(c: DuckDBConnection): Promise<Snapshot | undefined> {
		const [latest] = await rows<{ taken_at: string; watermark: string; responses: number }>(
			c,
			`SELECT strftime(taken_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS taken_at,
				strftime(watermark AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS watermark, responses
			 FROM dashboard_snapshots ORDER BY taken_at DESC LIMIT 1`
		);
		return latest && { takenAt: latest.taken_at, watermark: latest.watermark, responses: latest.responses };
	}

	/** Records a new snapshot of the responses submitted until two seconds ago: a submission is
	 *  timestamped when its batch starts writing and committed milliseconds later, so every response up
	 *  to the watermark is committed, and any rebuild finds the same set again. */
	async #take(c: DuckDBConnection): Promise<Snapshot> {
		const watermark = new Date(Date.now() - WATERMARK_MARGIN_MS).toISOString();
		const [{ n }] = await rows<{ n: number }>(c, `SELECT count(*)::INTEGER AS n FROM responses WHERE submitted_at <= $1::TIMESTAMPTZ`, [
			watermark
		]);
		const takenAt = new Date().toISOString();
		await this.db.write((wc) =>
			wc.run('INSERT INTO dashboard_snapshots (taken_at, watermark, responses) VALUES ($1::TIMESTAMPTZ, $2::TIMESTAMPTZ, $3)', [
				takenAt,
				watermark,
				n
			])
		);
		return { takenAt, watermark, responses: n };
	}
}

const WATERMARK_MARGIN_MS = 2_000;

const hashOf = (measures: SuccessMeasure[]) => createHash('sha256').update(JSON.stringify(measures)).digest('hex');

const cubes = new WeakMap<Database, LiveCube>();

/** The one live cube of a database in this process. */
export const liveCubeOf = (db: Database, policy: SnapshotPolicy): LiveCube =>
	cubes.get(db) ?? (cubes.set(db, new LiveCube(db, policy)), cubes.get(db)!);

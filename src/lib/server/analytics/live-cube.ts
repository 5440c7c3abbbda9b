// The live cube behind the planner dashboard: the pipeline's cube (pipelines/core/cube.ts) of a published
// snapshot of the responses, in an in-memory database of its own that its few connections share. A
// filter change then aggregates thousands of cube rows, not a million responses, with the stages
// running side by side on those connections.
//
// Snapshots are disclosure control over time (docs/disclosure.md): the dashboard's figures move only
// from one snapshot to the next, at most once per `everySeconds` and only once `minNewResponses`
// responses have arrived since the last, so reading a small group before and after one submission
// shows nothing. A snapshot is the responses submitted up to its watermark; it is recorded in
// `dashboard_snapshots`, so a restart or a changed success measure rebuilds the same responses.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LRUCache } from 'lru-cache';
import { SETTLE_MS, type Store } from '../db/store';
import { Serial } from '../db/serial';
import { CUBE_SQL } from '$pipelines/core/cube';
import type { SuccessMeasure } from '$pipelines/core/reference';
import type { Memo } from '$pipelines/core/context';

/** Connections a filter change's stages share: one query runs while another's disclosure control does. */
const CONNECTIONS = 2;
/** Figures kept per snapshot for every filter (weights, England under a filter): a few hundred kilobytes. */
const REMEMBERED = 256;

/** What a job on the live cube is given. */
export interface LiveView {
	/** The first of `connections`, for small reads. */
	c: DuckDBConnection;
	connections: DuckDBConnection[];
	/** The cube table of the snapshot, seen by every connection. */
	cube: string;
	/** A table name the job may fill (with its filtered cube rows), seen by every connection. */
	scratch: string;
	/** Figures kept until the next snapshot, under keys that begin with `version`: what else they depend on. */
	memo(version: string): Memo;
}

let catalogs = 0;

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
	#connections: DuckDBConnection[] | undefined;
	/** An in-memory database of this cube's own, so that every connection sees its tables. */
	readonly #catalog = `live_cube_${++catalogs}`;
	readonly #remembered = new LRUCache<string, Promise<unknown>>({ max: REMEMBERED });
	#snapshot: Snapshot | undefined;
	/** The snapshot and measures the temporary table was built from. */
	#built: string | null = null;
	#checkedAt = 0;

	constructor(
		readonly db: Store,
		readonly policy: SnapshotPolicy
	) {}

	/** Runs `job` on the cube's connections, one job at a time, after moving to a new snapshot if one is due. */
	use<T>(measures: SuccessMeasure[], job: (live: LiveView, snapshot: SnapshotInfo) => Promise<T>): Promise<T> {
		return this.#serial.run(async () => {
			const connections = await this.#connect();
			const [c] = connections;
			const snapshot = await this.#current();
			const version = `${snapshot.takenAt}|${hashOf(measures)}`;
			if (this.#built !== version) {
				// On PostgreSQL the analytics read a local mirror: bring it up to the snapshot's watermark.
				await (await this.db.analytics()).catchUp(snapshot.watermark);
				const source = `(SELECT * FROM responses WHERE submitted_at <= '${snapshot.watermark}'::TIMESTAMPTZ)`;
				await c.run(`CREATE OR REPLACE TABLE ${this.#catalog}.cube AS ${CUBE_SQL(measures, source)}`);
				this.#remembered.clear();
				this.#built = version;
			}
			const live: LiveView = {
				c,
				connections,
				cube: `${this.#catalog}.cube`,
				scratch: `${this.#catalog}.scratch`,
				memo: (prefix) => (key, compute) => this.#remember(`${prefix}|${key}`, compute)
			};
			return job(live, { takenAt: snapshot.takenAt, ...this.policy });
		});
	}

	#remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
		const kept = this.#remembered.get(key) as Promise<T> | undefined;
		if (kept) return kept;
		const made = compute();
		this.#remembered.set(key, made);
		// A failure (an interrupted query) is not kept.
		made.catch(() => this.#remembered.get(key) === made && this.#remembered.delete(key));
		return made;
	}

	/** Takes a snapshot now, whatever the policy; for benchmarks and tests that load data first. */
	publishNow(): Promise<void> {
		return this.#serial.run(async () => {
			this.#snapshot = await this.#take();
		});
	}

	async #connect(): Promise<DuckDBConnection[]> {
		if (!this.#connections) {
			const { instance } = await this.db.analytics();
			const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => instance.connect()));
			await connections[0].run(`ATTACH ':memory:' AS ${this.#catalog}`);
			this.#connections = connections;
		}
		return this.#connections;
	}

	async #current(): Promise<Snapshot> {
		// Several instances share one PostgreSQL: each moves to the newest snapshot any of them recorded,
		// so they all show the same figures (two snapshots at once would be a before and an after).
		if (this.db.dialect === 'postgres' || !this.#snapshot) this.#snapshot = (await this.#latest()) ?? this.#snapshot;
		const due = (snapshot: Snapshot) => Date.now() - Date.parse(snapshot.takenAt) >= this.policy.everySeconds * 1000;
		// One instance takes a snapshot; the others find it recorded (or wait a moment for it).
		const takeOnce = async (): Promise<Snapshot | undefined> =>
			this.db.exclusively('dashboard-snapshot', async () => {
				const latest = await this.#latest();
				return latest && (!due(latest) || latest.takenAt !== this.#snapshot?.takenAt) ? latest : this.#take();
			});
		while (!this.#snapshot) {
			this.#snapshot = (await takeOnce()) ?? (await this.#latest());
			if (!this.#snapshot) await new Promise((ok) => setTimeout(ok, 50));
		}
		// Counting responses is cheap, but not worth doing on every request once a snapshot is due.
		if (due(this.#snapshot) && Date.now() - this.#checkedAt >= Math.min(5_000, this.policy.everySeconds * 1000)) {
			this.#checkedAt = Date.now();
			const [{ n }] = await this.db.query('SELECT count(*)::INTEGER AS n FROM responses');
			if (Number(n) - this.#snapshot.responses >= this.policy.minNewResponses)
				this.#snapshot = (await takeOnce()) ?? (await this.#latest()) ?? this.#snapshot;
		}
		return this.#snapshot;
	}

	async #latest(): Promise<Snapshot | undefined> {
		// Instants as milliseconds since the epoch: no store's text format or time zone can change them.
		const [latest] = await this.db.query(
			`SELECT (extract(epoch FROM taken_at) * 1000)::DOUBLE PRECISION AS taken_at,
				(extract(epoch FROM watermark) * 1000)::DOUBLE PRECISION AS watermark, responses
			 FROM dashboard_snapshots ORDER BY taken_at DESC LIMIT 1`
		);
		// Rounded: a double of seconds times 1000 can fall a hair short of the whole millisecond written.
		const iso = (ms: unknown) => new Date(Math.round(Number(ms))).toISOString();
		return latest && { takenAt: iso(latest.taken_at), watermark: iso(latest.watermark), responses: Number(latest.responses) };
	}

	/** Records a new snapshot of the responses submitted until two seconds ago: a submission is
	 *  timestamped when its batch starts writing and committed milliseconds later, so every response up
	 *  to the watermark is committed, and any rebuild finds the same set again. The store's clock, so
	 *  instances on other hosts agree. */
	async #take(): Promise<Snapshot> {
		const now = await this.db.now();
		const watermark = new Date(Date.parse(now) - SETTLE_MS).toISOString();
		const [{ n }] = await this.db.query(`SELECT count(*)::INTEGER AS n FROM responses WHERE submitted_at <= $1::TIMESTAMPTZ`, [watermark]);
		const takenAt = now;
		await this.db.write((wc) =>
			wc.run('INSERT INTO dashboard_snapshots (taken_at, watermark, responses) VALUES ($1::TIMESTAMPTZ, $2::TIMESTAMPTZ, $3)', [
				takenAt,
				watermark,
				Number(n)
			])
		);
		return { takenAt, watermark, responses: Number(n) };
	}
}

const hashOf = (measures: SuccessMeasure[]) => createHash('sha256').update(JSON.stringify(measures)).digest('hex');

const cubes = new WeakMap<Store, LiveCube>();

/** The one live cube of a database in this process. */
export const liveCubeOf = (db: Store, policy: SnapshotPolicy): LiveCube =>
	cubes.get(db) ?? (cubes.set(db, new LiveCube(db, policy)), cubes.get(db)!);

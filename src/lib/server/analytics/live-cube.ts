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
import { CUBE_KEYS, CUBE_SQL, summedCubeSql } from '$pipelines/core/cube';
import { literal, rows } from '$pipelines/core/sql';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuccessMeasure } from '$pipelines/core/reference';
import type { Memo } from '$pipelines/core/context';

/** Connections a filter change's stages share: one query runs while another's disclosure control does. */
export const CONNECTIONS = 3;

/** The cube written to files, for the dashboard engine (engine.ts) to load. */
export interface CubeCopy {
	/** Changes whenever the cube does (a new snapshot, other success measures). */
	version: string;
	/** Parquet files whose rows together are the cube: the first holds the cube as built (or summed),
	 *  each next one the rows a later snapshot added. The engine loads only the files it lacks. */
	parts: string[];
}

/** What the dashboard's stages are given: the cube, connections that see it, and figures kept with it. */
export interface CubeView {
	/** The first of `connections`, for small reads. */
	c: DuckDBConnection;
	connections: DuckDBConnection[];
	/** The cube table of the snapshot, seen by every connection. */
	cube: string;
	/** The cube's database: tables the job makes there are seen by every connection. */
	catalog: string;
	/** Figures kept until the next snapshot, under keys that begin with `version`: what else they depend on. */
	memo(version: string): Memo;
	/** Tables and views over the cube kept until it is replaced, not when rows are added to it
	 *  (dashboard.ts: the summed cube, which takes the added rows too). */
	lasting: Memo;
}

/** What a job on the server's live cube is given: the cube, and a copy of it for the dashboard engine. */
export interface LiveView extends CubeView {
	/** The cube written to a Parquet file, for the dashboard engine (engine.ts): once per cube. */
	copy(): Promise<CubeCopy>;
}

/** Figures kept with one cube, for every filter (the weights, England under a filter): each worked out
 *  once per key until `clear`, a few hundred kilobytes in all. A failure (an interrupted query) is not kept. */
export class CubeMemo {
	readonly #kept = new LRUCache<string, Promise<unknown>>({ max: 256 });

	under(prefix: string): Memo {
		return <T>(key: string, compute: () => Promise<T>) => {
			const id = `${prefix}|${key}`;
			const kept = this.#kept.get(id) as Promise<T> | undefined;
			if (kept) return kept;
			const made = compute();
			this.#kept.set(id, made);
			made.catch(() => this.#kept.get(id) === made && this.#kept.delete(id));
			return made;
		};
	}

	clear() {
		this.#kept.clear();
	}
}

let catalogs = 0;

export interface SnapshotPolicy {
	everySeconds: number;
	minNewResponses: number;
	/** How long before a snapshot its watermark lies (SETTLE_MS unless given). */
	settleMs?: number;
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
	readonly #memo = new CubeMemo();
	#snapshot: Snapshot | undefined;
	/** What the cube table holds now. */
	#built: Built | undefined;
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
			await this.#bringUpTo(c, measures, snapshot);
			const live: LiveView = {
				c,
				connections,
				cube: `${this.#catalog}.cube`,
				catalog: this.#catalog,
				memo: (prefix) => this.#memo.under(prefix),
				// Made afresh at each snapshot here: this cube's views are for tests and the engine's copy.
				lasting: this.#memo.under('lasting'),
				copy: () => this.#copy(c)
			};
			const { everySeconds, minNewResponses } = this.policy;
			return job(live, { takenAt: snapshot.takenAt, everySeconds, minNewResponses });
		});
	}

	/** Makes the cube table hold the snapshot's responses. A snapshot after the one built, with the same
	 *  measures, adds only the cube rows of the responses since the last watermark, when the responses up
	 *  to that watermark are still exactly those the cube holds (an import of older responses, or a
	 *  restore, changes them: then the cube is built afresh). Every statistic is a sum, so a cell's rows
	 *  summed are the cell's row of a cube built from scratch, and every stage sums: the figures are the
	 *  same (summedCubeSql). Once the added rows outnumber those built, the cube is summed to one row
	 *  per cell again, so that added rows cannot slow the views down. */
	async #bringUpTo(c: DuckDBConnection, measures: SuccessMeasure[], snapshot: Snapshot): Promise<void> {
		const hash = hashOf(measures);
		const built = this.#built;
		if (built?.takenAt === snapshot.takenAt && built.measures === hash) return;
		// On PostgreSQL the analytics read a local mirror: bring it up to the snapshot's watermark.
		await (await this.db.analytics()).catchUp(snapshot.watermark);
		const [cube, added, fresh] = [`${this.#catalog}.cube`, `${this.#catalog}.added`, `${this.#catalog}.fresh`];
		const responses = (after: string | null, upTo: string) =>
			`(SELECT * FROM responses WHERE ${after ? `submitted_at > '${after}'::TIMESTAMPTZ AND ` : ''}submitted_at <= '${upTo}'::TIMESTAMPTZ)`;
		const rowsIn = async (table: string) => (await rows<{ n: number }>(c, `SELECT count(*)::INTEGER AS n FROM ${table}`))[0].n;
		await c.run('BEGIN TRANSACTION');
		try {
			const addable =
				built !== undefined &&
				built.measures === hash &&
				built.watermark <= snapshot.watermark &&
				(await fingerprint(c, built.watermark)) === built.fingerprint;
			this.#built = undefined;
			const started = performance.now();
			let builtRows = built?.builtRows;
			if (addable) {
				// The new responses' cube rows, added to the cube, and kept apart until the engine's copy has them (#copy).
				await c.run(`CREATE OR REPLACE TABLE ${fresh} AS ${CUBE_SQL(measures, responses(built.watermark, snapshot.watermark))}`);
				await c.run(`INSERT INTO ${cube} BY NAME SELECT * FROM ${fresh}`);
				await c.run(`INSERT INTO ${added} BY NAME SELECT * FROM ${fresh}`);
				await c.run(`DROP TABLE ${fresh}`);
				if ((await rowsIn(cube)) > 2 * builtRows!) {
					await c.run(`CREATE OR REPLACE TABLE ${cube} AS ${await summedCubeSql(c, cube, cube, CUBE_KEYS)}`);
					builtRows = await rowsIn(cube);
					this.#wholeCopyDue = true;
					this.lastBuild = { kind: 'summed', ms: performance.now() - started };
				} else this.lastBuild = { kind: 'added', ms: performance.now() - started };
			} else {
				await c.run(`CREATE OR REPLACE TABLE ${cube} AS ${CUBE_SQL(measures, responses(null, snapshot.watermark))}`);
				await c.run(`CREATE OR REPLACE TABLE ${added} AS SELECT * FROM ${cube} LIMIT 0`);
				builtRows = await rowsIn(cube);
				this.#wholeCopyDue = true;
				this.lastBuild = { kind: 'full', ms: performance.now() - started };
			}
			this.#built = {
				takenAt: snapshot.takenAt,
				measures: hash,
				watermark: snapshot.watermark,
				fingerprint: await fingerprint(c, snapshot.watermark),
				builtRows: builtRows!
			};
			await c.run('COMMIT');
		} catch (error) {
			await c.run('ROLLBACK').catch(() => undefined);
			throw error;
		}
		this.#memo.clear();
	}

	/** Writes the cube to Parquet files of this process's own folder (owner-only, like the database),
	 *  once per cube: the whole cube when it was built or summed, and otherwise only the rows added since
	 *  the last copy, as one more part. The parts of an earlier cube go, as the engine has loaded them
	 *  by now (requests take turns). */
	async #copy(c: DuckDBConnection): Promise<CubeCopy> {
		const built = this.#built!;
		const version = `${built.takenAt}|${built.measures}`;
		// A part removed under us (a cleaner of old temporary files) is written again, with the whole cube.
		const intact = this.#copied?.parts.every((part) => existsSync(part)) ?? false;
		if (intact && this.#copied?.version === version) return this.#copied;
		if (!this.#folder) {
			removeOrphanedCopies();
			const folder = (this.#folder = mkdtempSync(join(tmpdir(), `${COPY_FOLDER}${process.pid}-`)));
			process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
		}
		const part = join(this.#folder, `cube-${++this.#copies}.parquet`);
		const added = intact && !this.#wholeCopyDue;
		await c.run(`COPY ${this.#catalog}.${added ? 'added' : 'cube'} TO ${literal(part)} (FORMAT parquet)`);
		await c.run(`DELETE FROM ${this.#catalog}.added`);
		if (!added) for (const earlier of this.#copied?.parts ?? []) rmSync(earlier, { force: true });
		this.#copied = { version, parts: [...(added ? this.#copied!.parts : []), part] };
		this.#wholeCopyDue = false;
		return this.#copied;
	}

	#folder: string | undefined;
	#copies = 0;
	#copied: CubeCopy | undefined;
	/** The cube was built or summed since the last copy: the next copy holds it whole, not what was added. */
	#wholeCopyDue = false;

	/** How the cube was last brought up to a snapshot, and how long it took: for benchmarks. Built from
	 *  every response, the new responses' rows added, or added and then the cube summed (#bringUpTo). */
	lastBuild: { kind: 'full' | 'added' | 'summed'; ms: number } | undefined;

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
			// Statements are not kept prepared here: the row of chosen filters the dashboard's views select
			// by changes under them, which only the engine's database (engine.ts) is set up for.
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

	/** Records a new snapshot of the responses submitted until SETTLE_MS ago: a submission is
	 *  timestamped when its batch starts writing and committed milliseconds later, so every response up
	 *  to the watermark is committed, and any rebuild finds the same set again. The store's clock, so
	 *  instances on other hosts agree. */
	async #take(): Promise<Snapshot> {
		const now = await this.db.now();
		const watermark = new Date(Date.parse(now) - (this.policy.settleMs ?? SETTLE_MS)).toISOString();
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

/** The cube copies' folders, named after the process that made them. */
const COPY_FOLDER = 'pgw-live-cube-';

/** Removes the copy folders of processes that are gone: one killed outright (SIGKILL, a crash) never
 *  ran its exit handler, and a cube copy can be tens of megabytes. */
function removeOrphanedCopies() {
	for (const name of readdirSync(tmpdir())) {
		const pid = Number(/^pgw-live-cube-(\d+)-/.exec(name)?.[1]);
		if (!pid || pid === process.pid || alive(pid)) continue;
		try {
			rmSync(join(tmpdir(), name), { recursive: true, force: true });
		} catch {
			// Another user's folder, or gone already: not ours to clear.
		}
	}
}

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: alive, and another user's.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

interface Built {
	takenAt: string;
	/** The success measures' hash: they decide the cube's columns. */
	measures: string;
	watermark: string;
	/** Of the responses up to the watermark (see fingerprint). */
	fingerprint: string;
	/** The cube's rows when last built or summed (one row per cell). */
	builtRows: number;
}

/** Which responses were submitted up to `watermark`: their number and their ids' hashes combined,
 *  cheap on a million rows (two columns, no sort). */
async function fingerprint(c: DuckDBConnection, watermark: string): Promise<string> {
	const reader = await c.runAndReadAll(
		`SELECT count(*)::VARCHAR || ':' || coalesce(bit_xor(hash(submission_id)), 0)::VARCHAR AS f FROM responses WHERE submitted_at <= $1::TIMESTAMPTZ`,
		[watermark]
	);
	return String(reader.getRowObjectsJS()[0].f);
}

const hashOf = (measures: SuccessMeasure[]) => createHash('sha256').update(JSON.stringify(measures)).digest('hex');

const cubes = new WeakMap<Store, LiveCube>();

/** The one live cube of a database in this process. */
export const liveCubeOf = (db: Store, policy: SnapshotPolicy): LiveCube =>
	cubes.get(db) ?? (cubes.set(db, new LiveCube(db, policy)), cubes.get(db)!);

import type { Store } from '../db/store';

/**
 * A fixed-window counter per key, in memory (one server process owns the database, so one process
 * sees every attempt). Used for the per-address rate limits and for failed sign-ins.
 */
export class RateLimit {
	readonly #windows = new Map<string, { count: number; resetAt: number }>();

	constructor(
		readonly limit: number,
		readonly windowSeconds: number
	) {}

	/** Counts an attempt; returns the seconds to wait when over the limit, otherwise 0. */
	hit(key: string, now = Date.now()): number {
		const window = this.#windows.get(key);
		if (!window || window.resetAt <= now) {
			this.#windows.set(key, { count: 1, resetAt: now + this.windowSeconds * 1000 });
			if (this.#windows.size > 10_000) this.#sweep(now);
			return 0;
		}
		window.count++;
		return window.count > this.limit ? Math.ceil((window.resetAt - now) / 1000) : 0;
	}

	/** Counts in the key's current window (0 once it has ended). */
	count(key: string, now = Date.now()): number {
		const window = this.#windows.get(key);
		return window && window.resetAt > now ? window.count : 0;
	}

	/** Seconds until the key's window ends (0 when there is none). */
	secondsLeft(key: string, now = Date.now()): number {
		const window = this.#windows.get(key);
		return window && window.resetAt > now ? Math.ceil((window.resetAt - now) / 1000) : 0;
	}

	reset(key: string) {
		this.#windows.delete(key);
	}

	/** Forgets every key that starts with `prefix` (all of one account's address pairs). */
	resetPrefix(prefix: string) {
		for (const key of this.#windows.keys()) if (key.startsWith(prefix)) this.#windows.delete(key);
	}

	/** The most seconds any key starting with `prefix` must still wait (0 when none is over the limit). */
	longestWait(prefix: string, now = Date.now()): number {
		let wait = 0;
		for (const [key, w] of this.#windows) {
			if (key.startsWith(prefix) && w.resetAt > now && w.count >= this.limit) wait = Math.max(wait, Math.ceil((w.resetAt - now) / 1000));
		}
		return wait;
	}

	#sweep(now: number) {
		for (const [key, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(key);
	}
}

/** Adds counts ($2) to keys' windows ($1) of $3 seconds, starting a new window where one has ended;
 *  one statement for any number of keys, committed on its own. PostgreSQL only. */
const ADD_TO_WINDOWS = `
	INSERT INTO rate_limits (key, count, reset_at)
	SELECT key, n, now() + make_interval(secs => $3) FROM unnest($1::VARCHAR[], $2::INTEGER[]) AS added (key, n)
	ON CONFLICT (key) DO UPDATE SET
		count = CASE WHEN rate_limits.reset_at <= now() THEN excluded.count ELSE rate_limits.count + excluded.count END,
		reset_at = CASE WHEN rate_limits.reset_at <= now() THEN excluded.reset_at ELSE rate_limits.reset_at END
	RETURNING count`;

/** Fixed windows counted by the store of record, so every instance on one PostgreSQL sees every
 *  attempt: for failed sign-ins, where an attacker spreading tries over instances must not gain. */
export class SharedCounter {
	constructor(
		private readonly db: Store,
		private readonly name: string,
		readonly limit: number,
		readonly windowSeconds: number
	) {}

	#key = (key: string) => `${this.name}:${key}`;

	/** Counts an attempt; returns the count in the window after it. */
	async hit(key: string): Promise<number> {
		const [row] = await this.db.query(ADD_TO_WINDOWS, [[this.#key(key)], [1], this.windowSeconds] as never);
		return Number(row.count);
	}

	async count(key: string): Promise<number> {
		const [row] = await this.db.query('SELECT count FROM rate_limits WHERE key = $1 AND reset_at > now()', [this.#key(key)]);
		return row ? Number(row.count) : 0;
	}

	async secondsLeft(key: string): Promise<number> {
		const [row] = await this.db.query(
			`SELECT ceil(extract(epoch FROM reset_at - now()))::INTEGER AS s FROM rate_limits WHERE key = $1 AND reset_at > now()`,
			[this.#key(key)]
		);
		return row ? Number(row.s) : 0;
	}

	async reset(key: string): Promise<void> {
		await this.db.write((c) => c.run('DELETE FROM rate_limits WHERE key = $1', [this.#key(key)]));
	}

	async resetPrefix(prefix: string): Promise<void> {
		await this.db.write((c) => c.run('DELETE FROM rate_limits WHERE starts_with(key, $1)', [this.#key(prefix)]));
	}

	async longestWait(prefix: string): Promise<number> {
		const [row] = await this.db.query(
			`SELECT coalesce(max(ceil(extract(epoch FROM reset_at - now()))), 0)::INTEGER AS s FROM rate_limits
			 WHERE starts_with(key, $1) AND reset_at > now() AND count >= $2`,
			[this.#key(prefix), this.limit]
		);
		return Number(row.s);
	}
}

/**
 * Request limits shared by instances without a round trip per request: each instance counts in memory
 * and, every `syncMs`, adds what it counted to the store and reads back what all instances counted.
 * Another instance's requests are seen within `syncMs`; the answer itself never waits on the database.
 */
export class SyncedRateLimit extends RateLimit {
	readonly #unsent = new Map<string, number>();
	/** What the other instances had counted at the last sync, per key. */
	readonly #others = new Map<string, { count: number; resetAt: number }>();
	#timer: NodeJS.Timeout;

	constructor(
		private readonly db: Store,
		private readonly name: string,
		limit: number,
		windowSeconds: number,
		syncMs = 250
	) {
		super(limit, windowSeconds);
		this.#timer = setInterval(() => void this.sync().catch(() => undefined), syncMs);
		this.#timer.unref();
	}

	override hit(key: string, now = Date.now()): number {
		this.#unsent.set(key, (this.#unsent.get(key) ?? 0) + 1);
		const local = super.hit(key, now);
		const others = this.#others.get(key);
		if (!others || others.resetAt <= now) return local;
		if (local > 0) return local;
		return super.count(key, now) + others.count > this.limit ? Math.ceil((others.resetAt - now) / 1000) : 0;
	}

	/** Adds this instance's counts to the shared ones and learns every instance's, including for keys
	 *  this instance has not seen yet (so a client moving to another instance is known there). */
	async sync(): Promise<void> {
		const sent = [...this.#unsent];
		this.#unsent.clear();
		const prefix = `${this.name}:`;
		// Statements of their own, off the store's write queue: counting requests never waits behind submissions.
		if (sent.length > 0)
			await this.db.query(ADD_TO_WINDOWS, [sent.map(([key]) => `${prefix}${key}`), sent.map(([, n]) => n), this.windowSeconds] as never);
		const rows = await this.db.query(
			`SELECT substr(key, $2) AS key, count, (extract(epoch FROM reset_at - now()) * 1000)::DOUBLE PRECISION AS left_ms
			 FROM rate_limits WHERE starts_with(key, $1) AND reset_at > now()`,
			[prefix, prefix.length + 1]
		);
		const now = Date.now();
		this.#others.clear();
		for (const r of rows) {
			const key = String(r.key);
			this.#others.set(key, { count: Math.max(0, Number(r.count) - this.count(key, now)), resetAt: now + Number(r.left_ms) });
		}
	}

	stop() {
		clearInterval(this.#timer);
	}
}

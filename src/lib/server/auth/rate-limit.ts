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

// Dashboard figures kept per snapshot. A snapshot's figures never change (disclosure control fixes
// them: docs/disclosure.md), so a view asked for again (England by default, a planner going back to
// a filter, another planner of the same region) is answered from memory instead of re-running a dozen
// aggregates. The key holds everything the figures depend on: the snapshot, the waves and their
// status, the publication settings and the filters.
import { LRUCache } from 'lru-cache';

export class FigureCache<T extends object> {
	readonly #entries: LRUCache<string, T> | null;

	/** `entries` 0 keeps nothing: every request is worked out (the fairness test measures that work). */
	constructor(entries: number) {
		this.#entries = entries > 0 ? new LRUCache({ max: entries }) : null;
	}

	/** The figures stored under `key`, or `compute`'s, stored. A failure is not stored. */
	async get(key: unknown[], compute: () => Promise<T>): Promise<T> {
		if (!this.#entries) return compute();
		const id = JSON.stringify(key);
		const hit = this.#entries.get(id);
		if (hit) return hit;
		const value = await compute();
		this.#entries.set(id, value);
		return value;
	}

	get size() {
		return this.#entries?.size ?? 0;
	}
}

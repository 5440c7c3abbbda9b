/** Runs async jobs one at a time: a DuckDB connection must not interleave two transactions. */
export class Serial {
	#tail: Promise<unknown> = Promise.resolve();

	run<T>(job: () => Promise<T>): Promise<T> {
		const result = this.#tail.then(job, job);
		this.#tail = result.catch(() => undefined);
		return result;
	}
}

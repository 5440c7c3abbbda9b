// Fair scheduling for the planner dashboard. The live cube answers one job at a time, in the order
// jobs reach it; unscheduled, one planner sending many requests queues every other planner behind
// them. Here each planner has a queue of their own, bounded (more is refused at once, with words),
// and planners take turns: the next job to run is the oldest one of the next planner in rotation.
// A job that waits too long is refused rather than run late, and one that runs too long is stopped.

export class QueueRefusal extends Error {
	constructor(
		readonly code: 'TOO_MANY_REQUESTS' | 'TIMEOUT' | 'CLIENT_CLOSED_REQUEST',
		message: string,
		/** Seconds worth waiting before trying again. */
		readonly retryAfter: number
	) {
		super(message);
	}
}

export interface FairQueueLimits {
	/** Jobs one user may have waiting or running at once. */
	perUser: number;
	/** Longest a job may wait for its turn. */
	waitMs: number;
	/** Longest a job may run once started: its signal aborts then. */
	jobMs: number;
	/** Jobs run at once (the live cube runs one at a time, so more would only queue there, unfairly). */
	concurrency?: number;
}

const secondsIn = (ms: number) => {
	const n = Math.max(1, Math.round(ms / 1000));
	return `${n} second${n === 1 ? '' : 's'}`;
};

/** Nobody is waiting for these figures any more: the client cancelled or went away. */
const abandoned = () => new QueueRefusal('CLIENT_CLOSED_REQUEST', 'The request for these figures was cancelled.', 1);

interface Entry {
	user: string;
	run(): void;
	timer: NodeJS.Timeout;
}

export class FairQueue {
	readonly #waiting = new Map<string, Entry[]>();
	/** Users with jobs waiting, in turn order. */
	readonly #turns: string[] = [];
	readonly #held = new Map<string, number>();
	#running = 0;

	constructor(readonly limits: FairQueueLimits) {}

	/** Runs `job` for `user` when their turn comes; rejects with QueueRefusal when over a limit.
	 *  `cancelled` aborts when the client no longer wants the answer (a newer filter choice replaced
	 *  it, or it disconnected): a waiting job leaves the queue, a running one is stopped, and either
	 *  way it stops counting against the user at once, so arrowing through options never fills
	 *  their share with figures nobody will see. */
	run<T>(user: string, job: (signal: AbortSignal) => Promise<T>, cancelled?: AbortSignal): Promise<T> {
		const { perUser, waitMs, jobMs } = this.limits;
		if (cancelled?.aborted) return Promise.reject(abandoned());
		if ((this.#held.get(user) ?? 0) >= perUser) {
			return Promise.reject(
				new QueueRefusal(
					'TOO_MANY_REQUESTS',
					`You already have ${perUser} sets of figures being worked out. Wait for them to finish, then try again.`,
					Math.max(1, Math.ceil(jobMs / 1000))
				)
			);
		}
		this.#held.set(user, (this.#held.get(user) ?? 0) + 1);
		return new Promise<T>((resolve, reject) => {
			// Released once, whichever comes first: the end of the job, its wait running out, or the client going.
			let held = true;
			const release = () => {
				if (held) this.#release(user);
				held = false;
			};
			const controller = new AbortController();
			let gone = false;
			const onCancel = () => {
				gone = true;
				release();
				if (this.#unqueue(entry)) {
					clearTimeout(entry.timer);
					reject(abandoned());
				} else controller.abort(); // running: interrupt its query; the cube frees when it stops
			};
			const entry: Entry = {
				user,
				run: () => {
					clearTimeout(entry.timer);
					const limit = setTimeout(() => controller.abort(), jobMs);
					const late = () =>
						gone
							? abandoned()
							: new QueueRefusal(
									'TIMEOUT',
									`These figures took longer than ${secondsIn(jobMs)} to work out, so they were stopped. Try again, or choose fewer filters.`,
									1
								);
					// Past the limit, the answer is refused even if the job managed to finish: the limit is the promise.
					job(controller.signal)
						.then(
							(result) => (controller.signal.aborted ? reject(late()) : resolve(result)),
							(error: unknown) => reject(controller.signal.aborted ? late() : error)
						)
						.finally(() => {
							clearTimeout(limit);
							cancelled?.removeEventListener('abort', onCancel);
							release();
							this.#running--;
							this.#next();
						});
				},
				timer: setTimeout(() => {
					if (!this.#unqueue(entry)) return;
					cancelled?.removeEventListener('abort', onCancel);
					release();
					reject(
						new QueueRefusal(
							'TOO_MANY_REQUESTS',
							`The dashboard is busy: your figures waited ${secondsIn(waitMs)} without their turn coming. Please try again in a moment.`,
							5
						)
					);
				}, waitMs)
			};
			cancelled?.addEventListener('abort', onCancel, { once: true });
			const queue = this.#waiting.get(user);
			if (queue) queue.push(entry);
			else {
				this.#waiting.set(user, [entry]);
				this.#turns.push(user);
			}
			this.#next();
		});
	}

	#next() {
		while (this.#running < (this.limits.concurrency ?? 1) && this.#turns.length > 0) {
			const user = this.#turns.shift()!;
			const queue = this.#waiting.get(user)!;
			const entry = queue.shift()!;
			// Back of the line for this user's next job: everyone else waiting goes first.
			if (queue.length > 0) this.#turns.push(user);
			else this.#waiting.delete(user);
			this.#running++;
			entry.run();
		}
	}

	/** Takes a waiting entry out of its user's queue; false if it is not waiting (running or gone). */
	#unqueue(entry: Entry): boolean {
		const queue = this.#waiting.get(entry.user) ?? [];
		const at = queue.indexOf(entry);
		if (at < 0) return false;
		queue.splice(at, 1);
		if (queue.length === 0) this.#drop(entry.user);
		return true;
	}

	#drop(user: string) {
		this.#waiting.delete(user);
		const at = this.#turns.indexOf(user);
		if (at >= 0) this.#turns.splice(at, 1);
	}

	#release(user: string) {
		const n = (this.#held.get(user) ?? 1) - 1;
		if (n > 0) this.#held.set(user, n);
		else this.#held.delete(user);
	}
}

let dashboardQueue: FairQueue | undefined;

/** The dashboard's one queue in this process. */
export const dashboardQueueOf = (limits: FairQueueLimits): FairQueue => (dashboardQueue ??= new FairQueue(limits));

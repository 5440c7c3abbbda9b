/** A failure the person using the survey can act on; the router maps `kind` to a tRPC error code. */
export class SurveyError extends Error {
	constructor(
		readonly kind: 'CONFLICT' | 'NO_OPEN_WAVE' | 'NOT_FOUND' | 'UNAVAILABLE',
		message: string
	) {
		super(message);
	}
}

/** A write the disk refused (full, or mounted read-only) as words for the person; anything else as is. */
export function storageProblem(error: unknown): unknown {
	const message = error instanceof Error ? error.message : String(error);
	if (/No space left on device|ENOSPC/i.test(message)) {
		return new SurveyError(
			'UNAVAILABLE',
			'The survey server has run out of storage, so nothing was saved. Your answers are still here: please try again later.'
		);
	}
	if (/Read-only file system|EROFS/i.test(message)) {
		return new SurveyError(
			'UNAVAILABLE',
			'The survey server cannot save anything just now, so nothing was saved. Your answers are still here: please try again later.'
		);
	}
	return error;
}

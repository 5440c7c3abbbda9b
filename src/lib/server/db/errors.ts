/** A failure the person using the survey can act on; the router maps `kind` to a tRPC error code. */
export class SurveyError extends Error {
	constructor(
		readonly kind: 'CONFLICT' | 'NO_OPEN_WAVE' | 'NOT_FOUND',
		message: string
	) {
		super(message);
	}
}

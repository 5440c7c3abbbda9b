import type { Instrument, Question } from './types';
import { questionsOf } from './questions';

/** Each question is also stored as a typed column of `responses`, named by its id, so analytics can
 *  query answers directly (multi answers as a list of option codes). */
export function columnType(q: Question): string {
	switch (q.type) {
		case 'scale':
			return 'UTINYINT';
		case 'multi':
			return 'VARCHAR[]';
		default:
			return 'VARCHAR';
	}
}

/** Response columns that are not questions; no question id may take one of these names. */
export const RESPONSE_COLUMNS = [
	'submission_id',
	'receipt',
	'wave_id',
	'instrument_id',
	'instrument_version',
	'answers',
	'answers_hash',
	'submitted_at',
	'record_key'
] as const;

export const answerColumns = (instrument: Instrument) =>
	questionsOf(instrument).map((q) => ({ name: q.id, type: columnType(q), question: q }));

// Imported responses into the store of record: rows already checked against the instrument
// (pipelines/sources/import.ts), stored through the response store, so an import run twice stores
// nothing twice.
import { canonicalAnswers } from '../../instrument/questions';
import type { Answers } from '../../instrument/types';
import { instrument } from '../../instrument/survey';
import type { Store } from './store';
import type { ResponseStore } from './responses';

/** Stores checked rows through the response store (idempotent per submission id). */
export async function storeImported(
	db: Store,
	store: ResponseStore,
	rows: Array<{ submissionId: string; answers: Record<string, unknown> }>
) {
	if (rows.length === 0) return { stored: 0, alreadyStored: 0 };
	const ids = rows.map((r) => r.submissionId.toLowerCase());
	const existing = await db.query(
		`SELECT count(*)::INTEGER AS n FROM responses WHERE submission_id IN (SELECT unnest(CAST($1 AS VARCHAR[]))::UUID)`,
		[JSON.stringify(ids)]
	);
	const already = Number(existing[0].n);
	await Promise.all(rows.map((r) => store.submit(r.submissionId, canonicalAnswers(instrument, r.answers as Answers))));
	return { stored: rows.length - already, alreadyStored: already };
}

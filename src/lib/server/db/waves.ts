import type { SqlTransaction, Store } from './store';

export interface Wave {
	id: string;
	label: string;
	status: 'planned' | 'open' | 'closed';
}

/** NHS financial year of a date, for example 2026-27, the natural survey period. */
export function financialYear(date: Date): { id: string; label: string } {
	const year = date.getUTCMonth() >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
	const next = String((year + 1) % 100).padStart(2, '0');
	return { id: `${year}-${next}`, label: `${year}/${next}` };
}

/** On first start there are no waves: open one for the current financial year so the survey works at once. */
export async function ensureDefaultWave(db: Store, wave = financialYear(new Date())): Promise<void> {
	await db.write(async (c) => {
		const count = (await db.query('SELECT count(*)::INTEGER AS n FROM waves', [], c))[0].n as number;
		if (count === 0) {
			// Several instances may start at once on one PostgreSQL: the first one's wave stands.
			await c.run(`INSERT INTO waves (id, label, status, opened_at) VALUES ($1, $2, 'open', now()) ON CONFLICT DO NOTHING`, [
				wave.id,
				wave.label
			]);
		}
	});
}

/** The wave taking responses; pass the write connection to read it inside a write's transaction. */
export async function openWave(db: Store, connection?: SqlTransaction): Promise<Wave | null> {
	const rows = await db.query(`SELECT id, label, status FROM waves WHERE status = 'open' ORDER BY opened_at DESC LIMIT 1`, [], connection);
	return (rows[0] as unknown as Wave) ?? null;
}

/** Sets a wave's status; opening one closes any other, so at most one is open. */
export async function setWaveStatus(db: Store, id: string, status: Wave['status']): Promise<void> {
	await db.write(async (c) => {
		if (status === 'open') await c.run(`UPDATE waves SET status = 'closed', closed_at = now() WHERE status = 'open' AND id <> $1`, [id]);
		await c.run(
			`UPDATE waves SET status = $2::VARCHAR,
				opened_at = CASE WHEN $2::VARCHAR = 'open' THEN now() ELSE opened_at END,
				closed_at = CASE WHEN $2::VARCHAR = 'closed' THEN now() ELSE closed_at END
			 WHERE id = $1`,
			[id, status]
		);
	});
}

/** Every wave with its responses counted, and their key sum, so the count can be published safely. */
export async function listWaves(
	db: Store
): Promise<Array<Wave & { opened_at: string | null; closed_at: string | null; responses: number; responses_key: number }>> {
	return (await db.query(
		`SELECT w.id, w.label, w.status, w.opened_at, w.closed_at, count(r.submission_id)::INTEGER AS responses, coalesce(sum(r.record_key), 0)::INTEGER AS responses_key
		 FROM waves w LEFT JOIN responses r ON r.wave_id = w.id
		 GROUP BY w.id, w.label, w.status, w.opened_at, w.closed_at ORDER BY w.id`
	)) as never;
}

/** Adds a planned wave; it takes responses once opened. */
export async function createWave(db: Store, id: string, label: string): Promise<void> {
	await db.write(async (c) => {
		if ((await db.query('SELECT 1 FROM waves WHERE id = $1', [id], c)).length > 0) throw new Error(`A wave called ${id} already exists`);
		await c.run(`INSERT INTO waves (id, label, status) VALUES ($1, $2, 'planned')`, [id, label]);
	});
}

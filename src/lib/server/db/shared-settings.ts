// Admin settings (threshold, success measures, workforce denominators) are files under SETTINGS_DIR
// (pipelines/settings.ts), read by the server and the batch CLI alike. With several instances on one
// PostgreSQL, the database holds them: an instance copies them into its SETTINGS_DIR before it reads
// (at most once a second), and an admin's change goes to the database at once.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsDir } from '$pipelines/settings';
import type { Store } from './store';

/** The files an admin can change. */
export const SETTINGS_FILES = ['disclosure.json', 'success-measures.json', 'workforce.csv'] as const;

const pulledAt = new WeakMap<Store, number>();

/** Brings SETTINGS_DIR up to date with the database (PostgreSQL only; the embedded store's files are
 *  the settings). `force` skips the once-a-second pause. */
export async function pullSettings(db: Store, { force = false } = {}): Promise<void> {
	if (db.dialect !== 'postgres') return;
	if (!force && Date.now() - (pulledAt.get(db) ?? 0) < 1_000) return;
	pulledAt.set(db, Date.now());
	const rows = await db.query('SELECT name, content FROM settings');
	const saved = new Map(rows.map((r) => [String(r.name), String(r.content)]));
	mkdirSync(settingsDir(), { recursive: true });
	for (const name of SETTINGS_FILES) {
		const file = join(settingsDir(), name);
		const content = saved.get(name);
		if (content === undefined) {
			rmSync(file, { force: true });
			continue;
		}
		if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
		const tmp = `${file}.${process.pid}.pull`;
		writeFileSync(tmp, content);
		renameSync(tmp, file);
	}
}

/** Stores the admin's settings files in the database, so every instance reads them (PostgreSQL only). */
export async function pushSettings(db: Store): Promise<void> {
	if (db.dialect !== 'postgres') return;
	await db.write(async (c) => {
		for (const name of SETTINGS_FILES) {
			const file = join(settingsDir(), name);
			if (!existsSync(file)) continue;
			await c.run(
				`INSERT INTO settings (name, content, updated_at) VALUES ($1, $2, now())
				 ON CONFLICT (name) DO UPDATE SET content = excluded.content, updated_at = now()`,
				[name, readFileSync(file, 'utf8')]
			);
		}
	});
	pulledAt.set(db, Date.now());
}

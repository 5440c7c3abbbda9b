// Published runs go to PIPELINE_OUT. With several instances on one PostgreSQL, a run started on one
// instance must be readable on every other (the runs page, the reports), so PIPELINE_OUT must be one
// shared folder (NFS, a shared volume). Checked at start-up: the first instance leaves a marker there
// and records it in the database; an instance that cannot see that marker refuses to start.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from './store';

export const SHARED_MARKER = '.pgwn-shared-output';

export async function checkSharedOutput(db: Store, out: string): Promise<void> {
	if (db.dialect !== 'postgres') return;
	try {
		mkdirSync(out, { recursive: true });
		const probe = join(out, `.write-check-${process.pid}`);
		writeFileSync(probe, '');
		renameSync(probe, join(out, '.write-check'));
	} catch (error) {
		throw new Error(`PIPELINE_OUT (${resolve(out)}) cannot be written: ${(error as Error).message}`, { cause: error });
	}
	const marker = join(out, SHARED_MARKER);
	for (;;) {
		const checked = await db.exclusively('shared-output', async () => {
			const [row] = await db.query(`SELECT content FROM settings WHERE name = 'shared-output'`);
			if (!row) {
				const token = randomBytes(16).toString('hex');
				writeFileSync(marker, token);
				await db.write((c) => c.run(`INSERT INTO settings (name, content) VALUES ('shared-output', $1)`, [token]));
				return true;
			}
			const seen = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : null;
			if (seen !== String(row.content))
				throw new Error(
					`PIPELINE_OUT (${resolve(out)}) is not the folder the other instances publish to: it lacks their marker file ${SHARED_MARKER}. ` +
						'With several instances on one PostgreSQL, mount the same shared folder at PIPELINE_OUT on every instance ' +
						'(if you moved all of them to a new shared folder on purpose, copy the marker file from the old one).'
				);
			return true;
		});
		if (checked) return;
		await new Promise((ok) => setTimeout(ok, 100));
	}
}

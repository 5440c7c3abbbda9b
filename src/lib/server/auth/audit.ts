import type { Database } from '../db/database';

/** Records who did what: logins, failed logins, exports and every admin change. */
export async function audit(db: Database, actor: string | null, action: string, detail: Record<string, unknown> = {}): Promise<void> {
	await db.write((c) => c.run('INSERT INTO audit_log (actor, action, detail) VALUES ($1, $2, $3)', [actor, action, JSON.stringify(detail)]), {
		transaction: false
	});
}

export async function auditLog(db: Database, limit = 200) {
	return db.query(`SELECT id::INTEGER AS id, occurred_at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT $1`, [limit]);
}

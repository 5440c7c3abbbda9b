import type { Store } from '../db/store';
import { regions } from '../../instrument/reference';

const regionName = (code: string) => `${regions.find((r) => r.code === code)?.name ?? 'region'} (${code})`;

/** Records who did what: logins, failed logins, exports and every admin change. */
export async function audit(db: Store, actor: string | null, action: string, detail: Record<string, unknown> = {}): Promise<void> {
	await db.write(
		(c) => c.run('INSERT INTO audit_log (actor, action, detail) VALUES ($1, $2, $3)', [actor, action, JSON.stringify(detail)]),
		{
			transaction: false
		}
	);
}

export async function auditLog(db: Store, limit = 200) {
	return db.query(`SELECT id::INTEGER AS id, occurred_at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT $1`, [limit]);
}

/** One audit event in words for the audit log page (never raw JSON); `waveLabel` shows a wave id the
 *  way every page writes it (2026/27). */
export function describeAuditEvent(action: string, detail: Record<string, unknown>, waveLabel: (id: string) => string): string {
	const wave = (id: unknown) => (id === 'all' ? 'all waves' : `wave ${waveLabel(String(id))}`);
	const targets = (t: unknown) =>
		Object.entries((t ?? {}) as Record<string, number>)
			.map(([id, value]) => `${value} for ${waveLabel(id)}`)
			.join(', ') || 'none';
	switch (action) {
		case 'login':
			return 'Signed in';
		case 'logout':
			return 'Signed out';
		case 'login_failed':
			return 'Failed to sign in (wrong email address or password)';
		case 'login_throttled':
			return `Sign-ins paused after ${detail.failures} failures from one network, for ${Math.round(Number(detail.windowSeconds) / 60)} minutes`;
		case 'wave_created':
			return `Planned ${wave(detail.id)}`;
		case 'wave_opened':
			return `Opened ${wave(detail.id)} for responses${detail.was ? ` (it was ${detail.was})` : ''}`;
		case 'wave_closed':
			return `Closed ${wave(detail.id)} to responses`;
		case 'threshold_changed':
			return `Changed the smallest published count from ${detail.from} to ${detail.to}`;
		case 'measure_updated': {
			const before = detail.before as { targets?: unknown; amberWithin?: unknown } | undefined;
			const after = detail.after as { targets?: unknown; amberWithin?: unknown } | undefined;
			return `Changed success measure "${detail.id}": targets ${targets(before?.targets)} became ${targets(after?.targets)}; amber band ${before?.amberWithin} became ${after?.amberWithin}`;
		}
		case 'measure_added':
			return `Added success measure "${detail.id}" (${detail.kind})`;
		case 'workforce_uploaded':
			return `Replaced the workforce denominators (${detail.rows} rows)`;
		case 'comments_exported':
			return `Downloaded ${detail.count} free-text answers from ${wave(detail.wave)}`;
		case 'table_exported':
			return `Downloaded ${String(detail.file).replace(/^tables\//, '')} from run ${detail.runId}`;
		case 'user_created':
			return `Created the ${detail.role} account ${detail.email}${detail.region ? ` for region ${detail.region}` : ''}`;
		case 'password_reset':
			return `Set a new password for ${detail.email}`;
		case 'sign_in_wait_lifted':
			return `Lifted the sign-in wait for ${detail.email}`;
		case 'account_disabled':
			return `Disabled the account ${detail.email} and ended its sessions`;
		case 'account_enabled':
			return `Enabled the account ${detail.email} again`;
		case 'login_disabled':
			return 'Tried to sign in to a disabled account';
		case 'role_changed': {
			const as = (r: unknown) => {
				const { role, region } = (r ?? {}) as { role?: string; region?: string | null };
				return `${role}${region ? ` for ${regionName(region)}` : ''}`;
			};
			return `Changed ${detail.email} from ${as(detail.from)} to ${as(detail.to)}`;
		}
		case 'pipeline_run_started':
			return 'Started a pipeline run';
		default:
			return action.replaceAll('_', ' ');
	}
}

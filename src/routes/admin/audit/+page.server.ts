import { describeAuditEvent } from '$lib/server/auth/audit';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** The latest events, each described in words, rendered on the server. */
export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
	const { caller } = await callerFor(event);
	const [log, waves] = await Promise.all([caller.admin.auditLog({ limit: 500 }), caller.admin.waves.list()]);
	const labels = new Map(waves.map((w) => [w.id, w.label]));
	const detailOf = (raw: unknown): Record<string, unknown> => {
		try {
			const parsed = typeof raw === 'string' ? JSON.parse(raw) : raw;
			return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
		} catch {
			return {};
		}
	};
	return {
		events: log.map((entry) => ({
			id: Number(entry.id),
			when: new Date(String(entry.occurred_at)).toLocaleString('en-GB', {
				dateStyle: 'medium',
				timeStyle: 'short',
				timeZone: 'Europe/London'
			}),
			who: (entry.actor as string | null) ?? 'No one signed in',
			what: describeAuditEvent(String(entry.action), detailOf(entry.detail), (id) => labels.get(id) ?? id.replace('-', '/'))
		}))
	};
};

import { error, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { callerFor } from '$lib/server/trpc/caller';

/** The account a page under /admin/accounts/[id] is about, for administrators only; 404 if none. */
export async function accountFor(event: RequestEvent & { parent: () => Promise<unknown> }) {
	await event.parent(); // administrators only (the layout's check comes first)
	const { caller } = await callerFor(event);
	try {
		const a = await caller.admin.accounts.get({ id: event.params.id ?? '' });
		return {
			id: a.id,
			email: a.email,
			role: a.role,
			region: a.region,
			disabled: a.disabled,
			waitMinutes: Math.ceil(a.signInWaitSeconds / 60)
		};
	} catch (problem) {
		if (problem instanceof TRPCError && (problem.code === 'NOT_FOUND' || problem.code === 'BAD_REQUEST'))
			error(404, 'There is no such account');
		throw problem;
	}
}

import { fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { refusalStatus } from '$lib/server/trpc/status';
import { signedIn } from '$lib/server/auth/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/** The runs come with the page (no JavaScript needed to see them); the live progress of a run an
 *  admin starts is an enhancement on top. */
export const load: PageServerLoad = async (event) => {
	const user = signedIn(event.locals, event.url);
	const { caller } = await callerFor(event);
	return {
		role: user.role,
		region: user.region,
		runs: await caller.runs.list(),
		progress: user.role === 'admin' ? await caller.runs.progress() : null
	};
};

export const actions: Actions = {
	/** "Start a run" without JavaScript: starts it and shows the page again with its progress. */
	start: async (event) => {
		signedIn(event.locals, event.url);
		const { caller } = await callerFor(event);
		try {
			await caller.runs.start();
		} catch (error) {
			const status = refusalStatus(error);
			if (status) return fail(status, { problem: (error as TRPCError).message });
			throw error;
		}
		redirect(303, '/runs');
	}
};

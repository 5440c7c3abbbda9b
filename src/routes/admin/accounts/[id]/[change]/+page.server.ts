import { error, redirect } from '@sveltejs/kit';
import { callerFor } from '$lib/server/trpc/caller';
import { refused } from '$lib/server/form-errors';
import { accountFor } from '../account';
import type { Actions, PageServerLoad } from './$types';

const CHANGES = ['reset-password', 'lift-wait', 'disable', 'enable'] as const;
type Change = (typeof CHANGES)[number];

const changeOf = (change: string): Change => {
	if (!(CHANGES as readonly string[]).includes(change))
		error(404, 'An account can have its password reset, a sign-in wait lifted, or be disabled or enabled');
	return change as Change;
};

/** "Are you sure?" before a change to an account. */
export const load: PageServerLoad = async (event) => ({ change: changeOf(event.params.change), account: await accountFor(event) });

export const actions: Actions = {
	default: async (event) => {
		const change = changeOf(event.params.change);
		const { caller } = await callerFor(event);
		const id = event.params.id;
		try {
			// The new password goes back in this response only: never in an address, never stored in clear.
			if (change === 'reset-password') return { password: (await caller.admin.accounts.resetPassword({ id })).password };
			if (change === 'lift-wait') await caller.admin.accounts.liftSignInWait({ id });
			else if (change === 'disable') await caller.admin.accounts.disable({ id });
			else await caller.admin.accounts.enable({ id });
		} catch (problem) {
			return refused(problem, { id: 'confirm' });
		}
		redirect(303, `/admin/accounts?done=${change === 'lift-wait' ? 'wait-lifted' : `${change}d`}&account=${id}`);
	}
};

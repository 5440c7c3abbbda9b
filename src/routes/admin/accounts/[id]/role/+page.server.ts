import { redirect } from '@sveltejs/kit';
import { callerFor } from '$lib/server/trpc/caller';
import { invalid, refused } from '$lib/server/form-errors';
import { roleInput } from '$lib/server/trpc/routers/accounts';
import { accountFor } from '../account';
import type { Role } from '$lib/server/auth/users';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({ account: await accountFor(event) });

const FIELDS = { role: 'role-national', region: 'region' };

/** Two posts: the first checks the new role and region and asks for confirmation, the second
 *  (confirm=yes) makes the change. */
export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const values = { role: String(form.get('role') ?? ''), region: String(form.get('region') ?? '') };
		const step = form.get('confirm');
		if (step === 'change') return { values };
		if (step !== 'yes') {
			const checked = roleInput.safeParse(values);
			return checked.success ? { values, confirming: true } : invalid(checked.error, FIELDS, values);
		}
		const { caller } = await callerFor(event);
		try {
			// The router checks the role: a made-up one is refused there in words.
			await caller.admin.accounts.changeRole({ id: event.params.id, role: values.role as Role, region: values.region });
		} catch (problem) {
			return refused(problem, FIELDS, values);
		}
		redirect(303, `/admin/accounts?done=role&account=${event.params.id}`);
	}
};

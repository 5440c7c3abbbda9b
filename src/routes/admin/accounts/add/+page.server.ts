import { callerFor } from '$lib/server/trpc/caller';
import { invalid, refused } from '$lib/server/form-errors';
import { newAccountInput } from '$lib/server/trpc/routers/accounts';
import type { Role } from '$lib/server/auth/users';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
};

const FIELDS = { email: 'email', role: 'role-national', region: 'region' };

/** Two posts: the first checks the fields and asks for confirmation, the second (confirm=yes) adds
 *  the account and shows its generated password, once. */
export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const values = {
			email: String(form.get('email') ?? ''),
			role: String(form.get('role') ?? ''),
			region: String(form.get('region') ?? '')
		};
		const step = form.get('confirm');
		if (step === 'change') return { values };
		if (step !== 'yes') {
			const checked = newAccountInput.safeParse(values);
			return checked.success ? { values, confirming: true } : invalid(checked.error, FIELDS, values);
		}
		const { caller } = await callerFor(event);
		try {
			const { account, password } = await caller.admin.accounts.add({ ...values, role: values.role as Role });
			return { added: { email: account.email, password } };
		} catch (problem) {
			return refused(problem, FIELDS, values);
		}
	}
};

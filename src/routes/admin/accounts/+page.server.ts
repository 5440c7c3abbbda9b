import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

// What a change page sends the browser back to say, by the `done` it names.
const DONE: Record<string, (email: string) => string> = {
	disabled: (email) => `${email} is disabled: it cannot sign in, and its sessions have ended.`,
	enabled: (email) => `${email} is enabled and can sign in again.`,
	'wait-lifted': (email) => `${email} can try to sign in again at once.`,
	role: (email) => `The role of ${email} is changed.`
};

const when = (iso: string | null) =>
	iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }) : 'Never';

export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
	const { caller } = await callerFor(event);
	const accounts = await caller.admin.accounts.list();
	const done = event.url.searchParams.get('done') ?? '';
	const changed = accounts.find((a) => a.id === event.url.searchParams.get('account'));
	return {
		accounts: accounts.map((a) => ({
			id: a.id,
			email: a.email,
			role: a.role,
			region: a.region,
			disabled: a.disabled,
			lastSignIn: when(a.lastSignInAt),
			waitMinutes: Math.ceil(a.signInWaitSeconds / 60)
		})),
		done: changed && DONE[done] ? DONE[done](changed.email) : null
	};
};

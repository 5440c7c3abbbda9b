import { fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { refusalStatus } from '$lib/server/trpc/status';
import { ZodError } from 'zod';
import { callerFor, copyCookies } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/** Only same-site paths are followed after sign-in, never another site. */
const safeNext = (next: FormDataEntryValue | null) =>
	typeof next === 'string' && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : '/reports';

export const load: PageServerLoad = ({ locals, url }) => {
	const next = safeNext(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	return { next };
};

export const actions: Actions = {
	/** Signs in through `auth.login` (throttle, session cookie and audit in one place), from a form post:
	 *  credentials travel in the request body, never in an address, with or without JavaScript. */
	default: async (event) => {
		const form = await event.request.formData();
		const email = String(form.get('email') ?? '');
		const next = safeNext(form.get('next'));
		const { caller, resHeaders } = await callerFor(event);
		try {
			await caller.auth.login({ email, password: String(form.get('password') ?? '') });
		} catch (error) {
			const retry = resHeaders.get('retry-after');
			if (retry) event.setHeaders({ 'retry-after': retry });
			if (error instanceof TRPCError && error.cause instanceof ZodError) {
				const errors = error.cause.issues.map((i) => ({ href: `#${String(i.path[0])}`, message: i.message }));
				return fail(400, { email: email.slice(0, 254), errors });
			}
			const status = refusalStatus(error);
			if (status) return fail(status, { email: email.slice(0, 254), errors: [{ href: '#email', message: (error as TRPCError).message }] });
			throw error;
		}
		copyCookies(resHeaders, event.cookies);
		redirect(303, next);
	}
};

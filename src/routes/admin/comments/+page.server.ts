import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** One page of free-text answers (25), optionally one wave's, from the address: works without JavaScript. */
export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
	const { caller } = await callerFor(event);
	const wave = event.url.searchParams.get('wave') || undefined;
	const page = Number(event.url.searchParams.get('page') ?? '1');
	const waves = await caller.admin.waves.list();
	try {
		return {
			wave: wave ?? '',
			waves: waves.map((w) => ({ id: w.id, label: w.label })),
			...(await caller.admin.commentsPage({ wave, page }))
		};
	} catch (problem) {
		if (problem instanceof TRPCError && problem.code === 'BAD_REQUEST')
			error(400, 'Choose a wave from the list and a page number from the links');
		throw problem;
	}
};

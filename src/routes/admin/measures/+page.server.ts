import { redirect } from '@sveltejs/kit';
import { callerFor } from '$lib/server/trpc/caller';
import { refused } from '$lib/server/form-errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
	const { caller } = await callerFor(event);
	const [settings, list] = await Promise.all([caller.admin.settings(), caller.admin.waves.list()]);
	const waves = [...new Set([...list.map((w) => w.id), ...settings.measures.flatMap((m) => Object.keys(m.targets))])].sort();
	const params = event.url.searchParams;
	const named = settings.measures.find((m) => m.id === (params.get('saved') ?? params.get('added')));
	const done = named ? (params.has('saved') ? `Saved targets for “${named.name}”.` : `Added “${named.name}”.`) : null;
	return { measures: settings.measures, waves, done };
};

/** What was posted, to show again beside the errors; `form` says which form it came from. */
type Posted = Record<string, string | string[]> & { form: 'add' | 'update' };

/** A posted number: blank is "none", anything else must read as a number (the router says if not). */
const numberOf = (value: FormDataEntryValue | null) => (String(value ?? '').trim() === '' ? NaN : Number(String(value).trim()));

export const actions: Actions = {
	/** One measure's targets by wave (`target-<wave>`; blank means no target) and its amber band. */
	update: async (event) => {
		const form = await event.request.formData();
		const id = String(form.get('id') ?? '');
		const targets = Object.fromEntries(
			[...form.keys()]
				.filter((k) => k.startsWith('target-') && String(form.get(k)).trim() !== '')
				.map((k) => [k.slice(7), numberOf(form.get(k))])
		);
		const { caller } = await callerFor(event);
		try {
			await caller.admin.updateMeasure({ id, targets, amberWithin: numberOf(form.get('amberWithin')) });
		} catch (problem) {
			const field = (path: PropertyKey[]) => (path[0] === 'targets' && path[1] ? `${id}-${String(path[1])}` : `${id}-amber`);
			const values: Posted = { ...Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])), form: 'update', id };
			return refused(problem, field, values);
		}
		redirect(303, `/admin/measures?saved=${encodeURIComponent(id)}`);
	},

	/** A new measure; with `step=answers` (no JavaScript) it only shows the chosen question's answers. */
	add: async (event) => {
		const form = await event.request.formData();
		const text = (name: string) => String(form.get(name) ?? '').trim();
		const values: Posted = {
			...Object.fromEntries(
				['id', 'name', 'definition', 'aim', 'kind', 'unit', 'direction', 'question', 'rating', 'amberWithin'].map((n) => [n, text(n)])
			),
			codes: form.getAll('codes').map(String),
			form: 'add'
		};
		if (form.get('step') === 'answers') return { values, errors: [] };
		const aim = Number(values.aim) as 1 | 2 | 3 | 4;
		const codes = values.codes as string[];
		const field = (name: string) => String(values[name]);
		const base = {
			id: field('id'),
			name: field('name'),
			definition: field('definition'),
			aim,
			alignment: `Project definition aligned to aim ${field('aim')}`,
			unit: field('unit'),
			direction: field('direction') as 'higher' | 'lower',
			targets: {},
			amberWithin: numberOf(field('amberWithin'))
		};
		const measure =
			values.kind === 'share'
				? { ...base, kind: 'share' as const, question: String(values.question), codes }
				: values.kind === 'mean'
					? { ...base, kind: 'mean' as const, rating: field('rating') as 'importance' | 'confidence' }
					: { ...base, kind: field('kind') as 'mwds' | 'coverage' };
		const { caller } = await callerFor(event);
		try {
			await caller.admin.addMeasure(measure);
		} catch (problem) {
			const ids: Record<string, string> = {
				id: 'm-id',
				name: 'm-name',
				definition: 'm-definition',
				aim: 'm-aim',
				kind: 'm-kind',
				unit: 'm-unit',
				direction: 'm-direction',
				question: 'm-question',
				codes: 'm-code-0',
				rating: 'm-rating',
				amberWithin: 'm-amber'
			};
			return refused(problem, (path) => ids[String(path[0])] ?? 'm-id', values);
		}
		redirect(303, `/admin/measures?added=${encodeURIComponent(field('id'))}`);
	}
};

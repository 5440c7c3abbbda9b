// The icons nhsuk-frontend's stylesheet refers to at /assets/images/, and the NHS favicon.
import { error } from '@sveltejs/kit';
import type { EntryGenerator, RequestHandler } from './$types';

const icons = import.meta.glob(
	[
		'/node_modules/nhsuk-frontend/dist/nhsuk/assets/images/nhsuk-icon-*.svg',
		'/node_modules/nhsuk-frontend/dist/nhsuk/assets/images/favicon.svg'
	],
	{
		query: '?raw',
		import: 'default',
		eager: true
	}
) as Record<string, string>;
const byName = new Map(Object.entries(icons).map(([path, svg]) => [path.split('/').pop()!, svg]));

export const prerender = true;
export const entries: EntryGenerator = () => [...byName.keys()].map((name) => ({ name }));

export const GET: RequestHandler = ({ params }) => {
	const svg = byName.get(params.name);
	if (!svg) error(404, 'No such image');
	return new Response(svg, { headers: { 'content-type': 'image/svg+xml' } });
};

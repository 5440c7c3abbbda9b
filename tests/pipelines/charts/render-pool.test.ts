// Charts drawn on worker threads are the same SVG as drawn in this thread, in the order asked for, and
// a spec that cannot be drawn fails the whole call with words that say which.
import { expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../../pipelines/charts';
import { renderSvgs } from '../../../pipelines/charts/render-pool';

const bars = (label: string, n: number): TopLevelSpec => ({
	data: { values: Array.from({ length: n }, (_, i) => ({ label: `${label} ${i}\u202e`, value: i * 3 })) },
	mark: 'bar',
	encoding: { x: { field: 'value', type: 'quantitative' }, y: { field: 'label', type: 'nominal' } }
});

it('draws every spec on worker threads exactly as in this thread, in order', async () => {
	const specs = [bars('Region', 3), bars('Sector', 5), bars('Staff group', 2), bars('Specialty', 7), bars('Wave', 1)];
	const pooled = await renderSvgs(specs, 2);
	expect(pooled).toHaveLength(specs.length);
	for (const [i, spec] of specs.entries()) expect(pooled[i]).toBe(await renderSvg(spec));
	expect(pooled[1]).toContain('Sector 4');
	// Invisible controls from admin-entered labels are taken out, as in this thread.
	expect(pooled.join('')).not.toContain('\u202e');
	expect(await renderSvgs([])).toEqual([]);
});

it('says which chart could not be drawn', async () => {
	const broken = { data: { values: [] }, mark: 'no such mark' };
	await expect(renderSvgs([bars('Region', 2), broken as unknown as TopLevelSpec])).rejects.toThrow(/Could not draw chart 2 of 2/);
});

// Stage: region against England — for each region and each share or mean success measure and each
// competency's mean confidence, whether the region is significantly above, below or not different
// from England. A region is part of England, so it is tested against the rest of England (two
// independent groups): p_region − p_England = (1 − w)(p_region − p_rest), with w the region's share
// of England, so the sign and the significance are the same (docs/intervals.md). The rest of England
// is summed from the cube (every other region) and goes through disclosure control like any group.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ENGLAND, regions } from '../core/reference';
import { published, waveSqlOf, type PipelineContext, type PublishedTable } from '../core/context';
import { byItem, combine, compare, comparedFigures, comparedItems, itemRows, valueOf } from './compared-figures';

type Parts = { wave: string; region_code: string; part: 'region' | 'rest of England' | 'England' };

const IN_WORDS = { increase: 'above England', decrease: 'below England', none: 'not different from England' } as const;

export async function regionComparison(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const items = comparedItems(ctx.measures);
	const wave = ctx.wave.id;
	const byRegion = items.length
		? await itemRows(c, items, 'region AS region_code', `FROM ${ctx.cube} WHERE wave_id = ${waveSqlOf(ctx)} GROUP BY ALL`)
		: [];
	// England is the sum of the regions, and the rest of England is England less the region.
	const england = combine(byRegion, { wave, region_code: ENGLAND.code, part: 'England' });
	const parts = regions.flatMap(({ code }) => {
		const region = byRegion.find((r) => r.region_code === code);
		return region
			? [{ ...region, wave, part: 'region' }, combine([england, region], { wave, region_code: code, part: 'rest of England' }, -1)]
			: [{ ...england, wave, region_code: code, part: 'rest of England' }];
	});
	const data = items.length ? byItem<Parts>([...parts, england], items, ['wave', 'region_code', 'part']) : [];
	const safe = comparedFigures(data, ctx.measures, ctx.rule);
	const figure = new Map(safe.map((f) => [`${f.region_code}|${f.part}|${f.item_id}`, f]));
	const out = items.flatMap((item) =>
		regions.map(({ code }) => {
			// Each side is hidden for its own people only: the region's row never shows whether the rest of
			// England is small (docs/disclosure.md, "What a regional planner sees").
			const found = figure.get(`${code}|region|${item.item_id}`);
			const region = found?.suppressed ? undefined : found;
			const restFound = figure.get(`${code}|rest of England|${item.item_id}`);
			const rest = restFound?.suppressed ? undefined : restFound;
			const hidden = Boolean(found?.suppressed);
			const whole = figure.get(`${ENGLAND.code}|England|${item.item_id}`);
			const interval = compare(item, region, rest, ctx.rule);
			const verdict =
				interval === null ? null : interval.low > 0 ? IN_WORDS.increase : interval.high < 0 ? IN_WORDS.decrease : IN_WORDS.none;
			return {
				wave,
				region_code: code,
				item_kind: item.item_kind,
				item_id: item.item_id,
				name: item.name,
				unit: item.unit,
				method: item.method,
				value: valueOf(item, region),
				england_value: valueOf(item, whole),
				rest_of_england_value: valueOf(item, rest),
				base: hidden ? null : (region?.base ?? 0),
				rest_of_england_base: restFound?.suppressed ? null : (rest?.base ?? 0),
				difference_from_rest: interval?.difference ?? null,
				ci_low: interval?.low ?? null,
				ci_high: interval?.high ?? null,
				against_england: verdict,
				suppressed: hidden
			};
		})
	);
	return [
		published(
			'region_against_england',
			'Each region against England: significantly above, below or not different (tested against the rest of England, 95%)',
			{
				wave: 'VARCHAR',
				region_code: 'VARCHAR',
				item_kind: 'VARCHAR',
				item_id: 'VARCHAR',
				name: 'VARCHAR',
				unit: 'VARCHAR',
				method: 'VARCHAR',
				value: 'DOUBLE',
				england_value: 'DOUBLE',
				rest_of_england_value: 'DOUBLE',
				base: 'INTEGER',
				rest_of_england_base: 'INTEGER',
				difference_from_rest: 'DOUBLE',
				ci_low: 'DOUBLE',
				ci_high: 'DOUBLE',
				against_england: 'VARCHAR',
				suppressed: 'BOOLEAN'
			},
			out
		)
	];
}

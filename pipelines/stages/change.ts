// Stage: change between waves — for each share or mean success measure and each competency's mean
// confidence, this wave against the one before, England and each region: both figures, the
// difference with its 95% interval (Newcombe for shares, Welch for means; docs/intervals.md) and the
// change in words. Every figure is published through disclosure control first, and the interval is
// worked out from the published figures only, so it discloses nothing more.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ENGLAND } from '../core/reference';
import { published, type PipelineContext, type PublishedTable } from '../core/context';
import { literalList } from '../core/sql';
import { regionGroups } from '../core/cube';
import { changeInWords } from '../stats/intervals';
import { byItem, combine, compare, comparedFigures, comparedItems, itemRows, valueOf } from './compared-figures';

export async function change(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const items = comparedItems(ctx.measures);
	const order = ctx.waves.map((w) => w.id);
	const previous = order[order.indexOf(ctx.wave.id) - 1] ?? null;
	const waves = previous ? [previous, ctx.wave.id] : [ctx.wave.id];
	const byRegion = items.length
		? await itemRows(
				c,
				items,
				`wave_id AS wave, ${ctx.area ? regionGroups(ctx.area).code : 'region'} AS region_code`,
				`FROM ${ctx.cube} WHERE wave_id IN (SELECT unnest(${literalList(waves)})) GROUP BY ALL ORDER BY region_code, wave`
			)
		: [];
	// England is the sum of its regions, per wave; a cube of one area (PipelineContext.area) has its own rows only.
	const england = (ctx.area ? [] : waves)
		.map((wave) =>
			combine(
				byRegion.filter((r) => r.wave === wave),
				{ wave, region_code: ENGLAND.code }
			)
		)
		.filter((r) => byRegion.some((x) => x.wave === r.wave));
	const data = byItem<{ wave: string; region_code: string }>([...byRegion.filter((r) => r.region_code !== null), ...england], items, [
		'wave',
		'region_code'
	]);
	const safe = comparedFigures(data, ctx.measures, ctx.rule);
	const figure = new Map(safe.map((f) => [`${f.wave}|${f.region_code}|${f.item_id}`, f]));
	const regionCodes = [...new Set(safe.filter((f) => f.wave === ctx.wave.id).map((f) => String(f.region_code)))];
	const out = items.flatMap((item) =>
		regionCodes.map((region_code) => {
			const now = figure.get(`${ctx.wave.id}|${region_code}|${item.item_id}`);
			const before = previous ? figure.get(`${previous}|${region_code}|${item.item_id}`) : undefined;
			const interval = compare(item, now, before, ctx.rule);
			return {
				wave: ctx.wave.id,
				previous_wave: previous,
				region_code,
				item_kind: item.item_kind,
				item_id: item.item_id,
				name: item.name,
				unit: item.unit,
				method: item.method,
				value: valueOf(item, now),
				previous_value: valueOf(item, before),
				base: now?.suppressed ? null : now?.base,
				previous_base: before?.suppressed ? null : before?.base,
				sd: item.method === 'Welch' && !now?.suppressed ? now?.sd : null,
				previous_sd: item.method === 'Welch' && !before?.suppressed ? before?.sd : null,
				difference: interval?.difference ?? null,
				ci_low: interval?.low ?? null,
				ci_high: interval?.high ?? null,
				change: changeInWords(interval),
				// A figure hidden in either wave leaves no change to report; the row stays so it can be marked.
				suppressed: Boolean(now?.suppressed || before?.suppressed)
			};
		})
	);
	return [
		published(
			'change_between_waves',
			'Change since the previous wave with 95% intervals (Newcombe for shares, Welch for means)',
			{
				wave: 'VARCHAR',
				previous_wave: 'VARCHAR',
				region_code: 'VARCHAR',
				item_kind: 'VARCHAR',
				item_id: 'VARCHAR',
				name: 'VARCHAR',
				unit: 'VARCHAR',
				method: 'VARCHAR',
				value: 'DOUBLE',
				previous_value: 'DOUBLE',
				base: 'INTEGER',
				previous_base: 'INTEGER',
				sd: 'DOUBLE',
				previous_sd: 'DOUBLE',
				difference: 'DOUBLE',
				ci_low: 'DOUBLE',
				ci_high: 'DOUBLE',
				change: 'VARCHAR',
				suppressed: 'BOOLEAN'
			},
			out
		)
	];
}

// The ratings behind the needs scores, as a diverging Likert chart.
import * as aq from 'arquero';
import { competencyName, ratingScale, regionName } from '../core/reference';
import type { PublishedTable } from '../core/context';
import { RATINGS } from '../core/cube';
import { SUPPRESSED_MARK } from '../core/figures';
const { op } = aq;
import { config, forScope, tableOf, TEXT, type Chart, type Row } from './chart';

/** Each rating's scale labels, as respondents saw them in the instrument. */
const LEVEL_LABELS = Object.fromEntries(RATINGS.map((rating) => [rating, new Map(ratingScale(rating).map((l) => [l.level, l.label]))]));

/** Diverging Likert: ratings 1–2 left of zero, 3 straddling it, 4–5 right, as percentages of raters;
 *  competencies in order of need (the needs ranking), suppressed levels marked at zero. */
export function likert(tables: PublishedTable[], region: string, id: string): Chart {
	const needRank = new Map(
		(forScope(tableOf(tables, 'needs_by_competency_region'), { region }).objects() as Row[]).map((r) => [
			String(r.competency),
			r.rank === null ? 1000 : Number(r.rank)
		])
	);
	const data = forScope(tableOf(tables, 'ratings_distribution'), { region })
		.groupby('competency', 'rating')
		.derive({ left: (d: Row) => -op.sum((d.level as number) < 3 ? d.percent : 0) - op.sum(d.level === 3 ? d.percent : 0) / 2 })
		.orderby('level')
		.derive({ cumulative: aq.rolling((d: Row) => op.sum(d.percent)) })
		.ungroup()
		.derive({
			x0: aq.escape((d: Row) => Math.round(((d.left as number) + (d.cumulative as number) - (d.percent as number)) * 10) / 10),
			x1: aq.escape((d: Row) => Math.round(((d.left as number) + (d.cumulative as number)) * 10) / 10),
			competency_name: aq.escape((d: Row) => competencyName(String(d.competency))),
			need_order: aq.escape((d: Row) => needRank.get(String(d.competency)) ?? 1000),
			level_label: aq.escape((d: Row) => `${d.level} ${LEVEL_LABELS[String(d.rating)].get(Number(d.level))}`),
			rating_label: aq.escape((d: Row) => (d.rating === 'importance' ? 'Importance' : 'Confidence'))
		})
		.select(
			'competency',
			'competency_name',
			'need_order',
			'rating',
			'rating_label',
			'level',
			'level_label',
			'percent',
			'base',
			'x0',
			'x1',
			'suppressed'
		)
		.orderby('need_order', 'competency', 'rating', 'level')
		.objects() as Row[];
	return {
		id,
		title: `Importance and confidence ratings by competency, ${regionName(region)}`,
		description: `Share of respondents giving each rating; low ratings to the left of zero, high ratings to the right. Competencies are in order of training need, biggest first. ${SUPPRESSED_MARK} marks ratings given by too few people to show.`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			data: { values: data },
			facet: { column: { field: 'rating_label', type: 'nominal', title: null, sort: ['Importance', 'Confidence'] } },
			spec: {
				width: 260,
				encoding: { y: { field: 'competency_name', type: 'nominal', title: null, sort: null } },
				layer: [
					{
						mark: 'bar',
						encoding: {
							x: {
								field: 'x0',
								type: 'quantitative',
								title: 'Percentage of respondents (%)',
								scale: { domain: [-100, 100] },
								axis: { labelExpr: "abs(datum.value) + '%'" }
							},
							x2: { field: 'x1' },
							color: {
								field: 'level',
								type: 'ordinal',
								title: 'Rating (1 low – 5 high)',
								scale: { domain: [1, 2, 3, 4, 5], range: ['#d5281b', '#f4a582', '#d8dde0', '#92c5de', '#005eb8'] }
							},
							tooltip: [
								{ field: 'competency_name', title: 'Competency' },
								{ field: 'level_label', title: 'Rating' },
								{ field: 'percent', title: '%' }
							]
						}
					},
					// A condition, not a filter: layers over the same rows share the need order of the y axis.
					// The mark sits where its level's bar would start, not at zero away from it.
					{
						mark: { type: 'text', color: TEXT },
						encoding: {
							x: { field: 'x0', type: 'quantitative' },
							text: { condition: { test: 'datum.suppressed', value: SUPPRESSED_MARK }, value: '' }
						}
					}
				]
			}
		},
		table: {
			columns: [
				{ key: 'competency_name', heading: 'Competency' },
				{ key: 'rating_label', heading: 'Rating of' },
				{ key: 'level_label', heading: 'Level' },
				{ key: 'base', heading: 'Rated', count: true },
				{ key: 'percent', heading: '%', baseFrom: 'base' }
			],
			rows: data
		}
	};
}

// Shares of the training done, learning formats and barriers.
import * as aq from 'arquero';
import { optionLabel, regionName } from '../core/reference';
import type { PublishedTable } from '../core/context';
import { shareDecimals, SUPPRESSED_MARK } from '../core/figures';
import { config, forScope, labelOf, tableOf, TEXT, WIDTH, type Chart, type Row } from './chart';

const QUESTION_TITLES: Record<string, string> = {
	training_done: 'Training already done',
	learning_formats: 'Preferred learning formats',
	barriers: 'Barriers to learning'
};

export function optionShares(tables: PublishedTable[], region: string, question: string, id: string): Chart {
	const data = forScope(tableOf(tables, 'training_shares'), { region })
		.filter(aq.escape((d: Row) => d.question === question))
		.derive({
			option_label: aq.escape((d: Row) => optionLabel(String(d.question), String(d.option))),
			percent_label: aq.escape((d: Row) => labelOf(d.percent, shareDecimals(d.base), '%')),
			order: aq.escape((d: Row) => (d.percent === null ? -1 : d.percent)),
			mark_at: aq.escape((d: Row) => (d.ci_high === null ? 0 : d.ci_high))
		})
		.orderby(aq.desc('order'), 'option')
		.objects() as Row[];
	return {
		id,
		title: `${QUESTION_TITLES[question]}, ${regionName(region)}`,
		description: `Percentage of respondents choosing each answer (more than one could be chosen), with 95% Wilson intervals; ${SUPPRESSED_MARK} marks answers chosen by too few people to show.`,
		spec: {
			$schema: 'https://vega.github.io/schema/vega-lite/v6.json',
			config,
			width: WIDTH,
			data: { values: data },
			encoding: { y: { field: 'option_label', type: 'nominal', sort: null, title: null } },
			layer: [
				{
					mark: { type: 'bar', color: '#005eb8' },
					encoding: {
						x: { field: 'percent', type: 'quantitative', title: 'Respondents choosing the answer (%)', scale: { domain: [0, 100] } }
					}
				},
				{ mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'ci_low', type: 'quantitative' }, x2: { field: 'ci_high' } } },
				{
					mark: { type: 'text', align: 'left', dx: 4, color: TEXT },
					encoding: { x: { field: 'mark_at', type: 'quantitative' }, text: { field: 'percent_label' } }
				}
			]
		},
		table: {
			columns: [
				{ key: 'option_label', heading: 'Answer' },
				{ key: 'base', heading: 'Answered the question', count: true },
				{ key: 'percent', heading: '%', baseFrom: 'base' },
				{ key: 'ci_low', heading: '95% CI low', baseFrom: 'base' },
				{ key: 'ci_high', heading: '95% CI high', baseFrom: 'base' }
			],
			rows: data
		}
	};
}

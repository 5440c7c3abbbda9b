// The first page of every report: the largest training needs and the success measures against their
// targets, from the published (protected) tables, so it prints as a one-page summary.
import { rowsOf, type PublishedTable } from '../core/context';
import { competencyName } from '../core/reference';
import { escapeHtml } from './html';
import { formatNumber, measureDecimals } from '../core/figures';

const TOP_NEEDS = 5;
const STATUS: Record<string, string> = { green: 'On target', amber: 'Close to target', red: 'Short of target' };

/** A table's rows for one scope and wave. */
const rowsIn = (tables: PublishedTable[], name: string, scope: string, waveId: string) =>
	rowsOf(tables, name).filter((r) => r.region_code === scope && r.wave === waveId);

/** A figure in its unit, to `decimals` (a measure's value: as its base allows) or, for a target, as it was set. */
const figure = (value: unknown, unit: unknown, decimals?: number) =>
	value === null || value === undefined ? null : `${formatNumber(Number(value), decimals)}${unit === '%' ? '%' : unit ? ` ${unit}` : ''}`;

type Row = Record<string, unknown>;

const nameOf = (r: Row) => competencyName(String(r.competency));
const score = (v: unknown) => formatNumber(Number(v), 2);

/** Names in a sentence: "A", "A and B", "A, B and C"; with semicolons when a name has a comma of its own. */
function listed(names: string[]): string {
	if (names.length < 2) return names.join('');
	const [separator, last] = names.some((n) => n.includes(',')) ? ['; ', '; and '] : [', ', ' and '];
	return `${names.slice(0, -1).join(separator)}${last}${names.at(-1)}`;
}

/** A need's score, its interval and, when the intervals leave it open, the ranks it could take. */
function needItem(r: Row): string {
	const interval = r.mwds_low === null || r.mwds_low === undefined ? '' : `, 95% interval ${score(r.mwds_low)} to ${score(r.mwds_high)}`;
	const range =
		r.rank_best !== null && r.rank_best !== undefined && r.rank_best !== r.rank_worst
			? `; could rank ${r.rank_best} to ${r.rank_worst}`
			: '';
	return `<li>${escapeHtml(nameOf(r))} <span class="score">(needs score ${escapeHtml(score(r.mwds))}${escapeHtml(interval)}${escapeHtml(range)})</span></li>`;
}

/** Names in a sentence up to this many; beyond it, a count (the summary must fit one page). */
const NAMED = 3;

/** What the intervals say about the order: which needs could be the largest, and which needs left
 *  out of the list could still be among the top ones. */
function tiesInWords(ranked: Row[]): string {
	const couldLead = ranked.filter((r) => r.rank_best === 1);
	const outside = ranked.slice(TOP_NEEDS).filter((r) => Number(r.rank_best) <= TOP_NEEDS);
	const sentences: string[] = [];
	if (couldLead.length > 1)
		sentences.push(
			couldLead.length <= NAMED
				? `${listed(couldLead.map(nameOf))} could each be the largest need: their intervals overlap.`
				: `Any of ${couldLead.length} needs could be the largest: their intervals overlap.`
		);
	if (outside.length > 0)
		sentences.push(
			outside.length <= NAMED
				? `${listed(outside.map((r) => `${nameOf(r)} (ranks ${r.rank_best} to ${r.rank_worst})`))} could also be among the top ${TOP_NEEDS}.`
				: `${outside.length} more needs could also be among the top ${TOP_NEEDS} (see the needs ranking).`
		);
	return sentences.length ? `<p>${escapeHtml(sentences.join(' '))}</p>` : '';
}

/** HTML for the summary section of one scope's report (escaped throughout). */
export function summaryHtml(tables: PublishedTable[], scope: string, waveId: string): string {
	const ranked = rowsIn(tables, 'needs_by_competency_region', scope, waveId)
		.filter((r) => !r.suppressed && r.rank !== null)
		.sort((a, b) => Number(a.rank) - Number(b.rank));
	const needs = ranked.slice(0, TOP_NEEDS);
	const measures = rowsIn(tables, 'success_measures', scope, waveId);
	const needsList = needs.length
		? `<ol>${needs.map(needItem).join('')}</ol>${tiesInWords(ranked)}`
		: '<p>Too few respondents to rank training needs.</p>';
	const measureRows = measures
		.map((m) => {
			const value = m.suppressed ? null : figure(m.value, m.unit, measureDecimals(m));
			const target =
				m.target === null || m.target === undefined
					? 'none set'
					: `${m.direction === 'lower' ? 'at most' : 'at least'} ${figure(m.target, m.unit)}`;
			const status = value === null ? 'Suppressed (too few respondents)' : m.rag ? STATUS[String(m.rag)] : 'No target';
			return `<tr><td>${escapeHtml(m.name)}</td><td data-figure>${value === null ? '*' : escapeHtml(value)}</td><td>${escapeHtml(target)}</td><td>${escapeHtml(status)}</td></tr>`;
		})
		.join('');
	return `<section class="summary" aria-labelledby="summary">
<h2 id="summary">Summary</h2>
<h3>Largest training needs</h3>
<p>Competencies ranked by the needs score (mean weighted discrepancy: how far confidence falls short of importance, weighted by importance), each with its 95% interval. Needs whose intervals overlap could swap places: their ranks are given as a range.</p>
${needsList}
<h3>Success measures against target</h3>
${measureRows ? `<table class="measures"><thead><tr><th scope="col">Measure</th><th scope="col">This wave</th><th scope="col">Target</th><th scope="col">Status</th></tr></thead><tbody>${measureRows}</tbody></table>` : '<p>No success measures are defined.</p>'}
</section>`;
}

// The first page of every report: the largest training needs and the success measures against their
// targets, from the published (protected) tables, so it prints as a one-page summary.
import type { PublishedTable } from './context';
import { competencyName } from './reference';
import { escapeHtml } from './reports';
import { formatNumber, measureDecimals } from './figures';

const TOP_NEEDS = 5;
const STATUS: Record<string, string> = { green: 'On target', amber: 'Close to target', red: 'Short of target' };

const rowsOf = (tables: PublishedTable[], name: string, scope: string, waveId: string) =>
	(tables.find((t) => t.name === name)?.rows ?? []).filter((r) => r.region_code === scope && r.wave === waveId);

/** A figure in its unit, to `decimals` (a measure's value: as its base allows) or, for a target, as it was set. */
const figure = (value: unknown, unit: unknown, decimals?: number) =>
	value === null || value === undefined ? null : `${formatNumber(Number(value), decimals)}${unit === '%' ? '%' : unit ? ` ${unit}` : ''}`;

/** HTML for the summary section of one scope's report (escaped throughout). */
export function summaryHtml(tables: PublishedTable[], scope: string, waveId: string): string {
	const needs = rowsOf(tables, 'needs_by_competency_region', scope, waveId)
		.filter((r) => !r.suppressed && r.rank !== null)
		.sort((a, b) => Number(a.rank) - Number(b.rank))
		.slice(0, TOP_NEEDS);
	const measures = rowsOf(tables, 'success_measures', scope, waveId);
	const needsList = needs.length
		? `<ol>${needs.map((r) => `<li>${escapeHtml(competencyName(String(r.competency)))} <span class="score">(needs score ${escapeHtml(formatNumber(Number(r.mwds), 2))})</span></li>`).join('')}</ol>`
		: '<p>Too few respondents to rank training needs.</p>';
	const measureRows = measures
		.map((m) => {
			const value = m.suppressed ? null : figure(m.value, m.unit, measureDecimals(m));
			const target = m.target === null || m.target === undefined ? 'none set' : `${m.direction === 'lower' ? 'at most' : 'at least'} ${figure(m.target, m.unit)}`;
			const status = value === null ? 'Suppressed (too few respondents)' : m.rag ? STATUS[String(m.rag)] : 'No target';
			return `<tr><td>${escapeHtml(m.name)}</td><td data-figure>${value === null ? '*' : escapeHtml(value)}</td><td>${escapeHtml(target)}</td><td>${escapeHtml(status)}</td></tr>`;
		})
		.join('');
	return `<section class="summary" aria-labelledby="summary">
<h2 id="summary">Summary</h2>
<h3>Largest training needs</h3>
<p>Competencies ranked by the needs score (mean weighted discrepancy: how far confidence falls short of importance, weighted by importance).</p>
${needsList}
<h3>Success measures against target</h3>
${measureRows ? `<table class="measures"><thead><tr><th scope="col">Measure</th><th scope="col">This wave</th><th scope="col">Target</th><th scope="col">Status</th></tr></thead><tbody>${measureRows}</tbody></table>` : '<p>No success measures are defined.</p>'}
</section>`;
}

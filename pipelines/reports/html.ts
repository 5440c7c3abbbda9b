// Stage: reports — one self-contained, print-friendly HTML page per scope (national and each
// region): charts inline as SVG, a data table for every chart, the wave, run date, respondent count
// and a note on suppression. Every piece of text is escaped.
import type { Chart } from '../charts';
import type { DisclosureRule } from '../disclosure/protect';
import { regionName, waveLabel } from '../core/reference';
import { withoutControls } from '../../src/lib/text';
import { cellText, SUPPRESSED_MARK, suppressedLegend } from '../core/figures';

export const escapeHtml = (value: unknown) =>
	withoutControls(String(value ?? '')).replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

const cell = (row: Record<string, unknown>, column: Chart['table']['columns'][number]) => {
	const text = cellText(row, column);
	return `<td${column.count ? ' data-count' : ''}${text === SUPPRESSED_MARK ? ' class="suppressed"' : ''}>${escapeHtml(text)}</td>`;
};

function dataTable(chart: Chart): string {
	const head = chart.table.columns.map((c) => `<th scope="col">${escapeHtml(c.heading)}</th>`).join('');
	const body = chart.table.rows
		// A wave is written as its label (2026/27) in tables for people, as everywhere else.
		.map(
			(r) =>
				`<tr>${chart.table.columns.map((c) => cell(c.key === 'wave' && typeof r.wave === 'string' ? { ...r, wave: waveLabel(r.wave) } : r, c)).join('')}</tr>`
		)
		.join('\n');
	const table = `<table><caption>Data for: ${escapeHtml(chart.title)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
	if (chart.table.rows.length <= LONG_TABLE_ROWS) return table;
	// A long table (a two-way breakdown runs to hundreds of rows) is one click away on screen and left
	// out of print, where it would fill pages: the published CSV files hold every row.
	const rows = chart.table.rows.length.toLocaleString('en-GB');
	return `<details class="long-table"><summary>Show the data table (${rows} rows)</summary>${table}</details><p class="print-only">The data table for this chart (${rows} rows) is in the CSV files published with this report.</p>`;
}

/** Tables longer than this are folded on screen and left out of print. */
const LONG_TABLE_ROWS = 40;

export interface ReportInput {
	scope: string;
	wave: { id: string; label: string };
	runId: string;
	runDate: Date;
	respondents: number | null;
	rule: DisclosureRule;
	charts: Array<Chart & { svg: string }>;
	/** Links to the other reports, relative to this one. */
	links: Array<{ href: string; label: string }>;
	/** The one-page summary that opens the report (HTML, already escaped). */
	summary?: string;
}

// In print a chart's heading, words and drawing make one block that never breaks (.chart-head):
// break-after:avoid on the heading alone kept it with its words but not with the drawing, which
// moved on and left the heading at the foot of the page.
const STYLE = `
body{font-family:Arial,Helvetica,sans-serif;color:#212b32;max-width:62rem;margin:0 auto;padding:1rem 1.5rem;line-height:1.4}
h1{font-size:1.8rem}h2{font-size:1.3rem;margin-top:2rem;border-top:1px solid #d8dde0;padding-top:1rem}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}.meta dt{font-weight:bold}
.note{background:#f0f4f5;border-left:6px solid #005eb8;padding:.6rem 1rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1rem}caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #d8dde0;padding:.2rem .5rem;text-align:left}td.suppressed{text-align:center}
nav ul{columns:2}.print-only{display:none}details.long-table summary{cursor:pointer;color:#005eb8;text-decoration:underline}.summary ol{margin:.3rem 0}.summary .score{color:#4c6272}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;padding:0;font-size:10pt}.summary{break-after:page}.summary h2{border-top:0;margin-top:.5rem}h2,h3{break-after:avoid;page-break-after:avoid}figure,tr,.summary,.chart-head{break-inside:avoid;page-break-inside:avoid}table{font-size:8pt}nav{display:none}details.long-table{display:none}.print-only{display:block;font-style:italic}}`;

export function reportHtml(input: ReportInput): string {
	const place = regionName(input.scope);
	const title = `Pharmacy genomics workforce needs: ${place}, ${input.wave.label}`;
	const sections = input.charts
		.map(
			(c) => `<section aria-labelledby="${escapeHtml(c.id)}">
<div class="chart-head">
<h2 id="${escapeHtml(c.id)}">${escapeHtml(c.title)}</h2>
<p>${escapeHtml(c.description)}</p>
<figure role="img" aria-label="${escapeHtml(c.title)}. The data table below gives the same figures.">${c.svg}</figure>
</div>
${dataTable(c)}
</section>`
		)
		.join('\n');
	const respondents =
		input.respondents === null ? 'fewer than ' + input.rule.threshold + ' (suppressed)' : input.respondents.toLocaleString('en-GB');
	return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<p>NHS England pharmacy genomics workforce, education and training strategic framework</p>
<h1>${escapeHtml(title)}</h1>
<dl class="meta">
<dt>Area</dt><dd>${escapeHtml(place)} (${escapeHtml(input.scope)})</dd>
<dt>Survey wave</dt><dd>${escapeHtml(input.wave.label)}</dd>
<dt>Respondents</dt><dd data-count>${escapeHtml(respondents)}</dd>
<dt>Run</dt><dd>${escapeHtml(input.runId)}, ${escapeHtml(input.runDate.toISOString().slice(0, 16).replace('T', ' '))} UTC</dd>
</dl>
<p class="note">Disclosure control: counts of 1 to ${escapeHtml(input.rule.threshold - 1)} people are suppressed and shown as ${SUPPRESSED_MARK};
other counts are slightly perturbed and rounded to the nearest ${escapeHtml(input.rule.rounding)}, so totals may not add up. Means, percentages
and needs scores carry a little random noise, sized so that no one person's answers can be worked out from them, and are
suppressed when they rest on fewer than ${escapeHtml(input.rule.threshold)} people. The noise matters most in small groups.</p>
<p class="legend" data-legend>${escapeHtml(suppressedLegend(input.rule.threshold))}</p>
<nav aria-label="Other reports"><ul>${input.links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul></nav>
</header>
<main>
${input.summary ?? ''}
${sections}
</main>
</body>
</html>
`;
}

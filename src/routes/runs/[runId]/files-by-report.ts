// A run's files grouped as people look for them: by report (England, then each region by name) and
// by kind, each named in words ("Needs ranking, chart (SVG)") rather than by its path.
import { ENGLAND, regionName } from '$pipelines/core/reference';

export interface NamedFile {
	path: string;
	name: string;
}
export interface ReportFiles {
	code: string;
	place: string;
	charts: NamedFile[];
	tables: NamedFile[];
}

const FORMATS: Array<[RegExp, string]> = [
	[/\.vl\.json$/, 'Vega-Lite'],
	[/\.svg$/, 'SVG'],
	[/\.csv$/, 'CSV'],
	[/\.parquet$/, 'Parquet'],
	[/\.[a-z]+$/, 'file']
];

/** "charts/E40000003-needs-ranking.svg" → "Needs ranking (SVG)". */
function nameOf(path: string): string {
	const file = path.split('/').pop()!;
	const [pattern, format] = FORMATS.find(([p]) => p.test(file))!;
	const words = file
		.replace(pattern, '')
		.replace(/^(E\d{8}|national)-/, '')
		.replace(/[-_]+/g, ' ')
		.trim();
	return `${words.charAt(0).toUpperCase()}${words.slice(1)} (${format})`;
}

/** The place a file belongs to: its region's folder or chart prefix; everything else is England's. */
const codeOf = (path: string) => /^regions\/(E\d{8})\//.exec(path)?.[1] ?? /^charts\/(E\d{8})-/.exec(path)?.[1] ?? ENGLAND.code;

export function filesByReport(paths: string[]): ReportFiles[] {
	const groups = new Map<string, ReportFiles>();
	for (const path of paths) {
		const code = codeOf(path);
		const group = groups.get(code) ?? { code, place: regionName(code), charts: [], tables: [] };
		groups.set(code, group);
		(/\.(csv|parquet)$/.test(path) ? group.tables : group.charts).push({ path, name: nameOf(path) });
	}
	const byName = (a: NamedFile, b: NamedFile) => a.name.localeCompare(b.name);
	return [...groups.values()]
		.map((g) => ({ ...g, charts: g.charts.sort(byName), tables: g.tables.sort(byName) }))
		.sort((a, b) => (a.code === ENGLAND.code ? -1 : b.code === ENGLAND.code ? 1 : a.place.localeCompare(b.place)));
}

// What a chart is (a typed Vega-Lite spec with its data table), the helpers every family of charts
// shares, and the server-side SVG renderer.
import { withoutControls } from '../../src/lib/text';
import * as aq from 'arquero';
import type { compile, TopLevelSpec } from 'vega-lite';
import type { parse, View } from 'vega';
import type { PublishedTable } from '../core/context';
import { formatNumber, SUPPRESSED_MARK, type FigureColumn } from '../core/figures';
import { CHART_CONFIG } from './style';

export type Row = Record<string, unknown>;

export interface Chart {
	/** File name stem, for example national-needs-ranking or E40000003-needs-ranking. */
	id: string;
	title: string;
	description: string;
	spec: TopLevelSpec;
	/** What the data table shows: column key → heading, which columns are counts of people, and the
	 *  decimals a column's figures are written with (percentages 1, means and scores 2; see figures.ts). */
	table: { columns: Array<FigureColumn & { heading: string; count?: boolean }>; rows: Row[] };
}

export const WIDTH = 560;
export const config = CHART_CONFIG;
/** Hidden figures are drawn as a grey, labelled mark rather than left out. */
export const SUPPRESSED_GREY = '#aeb7bd';
export const TEXT = '#212b32';

/** A figure as a chart label: en-GB with fixed decimals and an optional unit, or the suppressed mark. */
export const labelOf = (value: unknown, decimals: number, unit = '') =>
	value === null || value === undefined ? SUPPRESSED_MARK : `${formatNumber(Number(value), decimals)}${unit}`;
/** A wave as people write it: 2026-27 is shown as 2026/27. */

// Arquero verbs: (table, opts) => table. Predicates are escaped (plain closures): arquero then calls
// them as they are instead of parsing their source on every call, a dashboard view's charts call them
// dozens of times.
export const forScope = (t: aq.ColumnTable, { region }: { region: string }) => t.filter(aq.escape((d: Row) => d.region_code === region));

export const tableOf = (tables: PublishedTable[], name: string) => {
	const t = tables.find((x) => x.name === name);
	if (!t) throw new Error(`No published table ${name}`);
	// Declared columns even when no rows (a dashboard filter nobody matches), so the verbs still resolve.
	return t.rows.length ? aq.from(t.rows) : aq.table(Object.fromEntries(Object.keys(t.columns).map((c) => [c, []])));
};

/** Compiles Vega-Lite to Vega and draws it headless (no canvas needed). It refers to nothing but its
 *  arguments, so render-pool.ts gives its source text to worker threads: one implementation.
 *
 *  `runtimes` keeps Vega's parsed dataflow by the spec's shape (the spec without its inline rows): a
 *  run's 117 charts have 17 shapes, one per family and layout, and compiling and parsing are half of a
 *  drawing's cost. Vega-Lite's compiler and Vega's parser copy the rows into the dataflow as they are
 *  (the operator's `$ingest`; the parser's output is JSON, vega-runtime's format), so the shape is
 *  compiled and parsed once with a stand-in row, the stand-in's operator noted, and each chart's own
 *  rows take its place. A spec whose rows are not inline, or whose dataflow does not hold the stand-in
 *  exactly once (kept as null), is drawn without the cache. */
export async function drawSvg(
	vegaLite: { compile: typeof compile },
	vega: { parse: typeof parse; View: typeof View },
	spec: TopLevelSpec,
	runtimes?: Map<string, KeptDataflow | null>
): Promise<string> {
	const STAND_IN = '__rows_of_the_chart__';
	let runtime: ReturnType<typeof parse> | undefined;
	const rows = (spec as { data?: { values?: unknown } }).data?.values;
	if (runtimes && Array.isArray(rows)) {
		const shape = { ...spec, data: { ...(spec as { data: object }).data, values: [{ [STAND_IN]: true }] } } as TopLevelSpec;
		const key = JSON.stringify(shape);
		let kept = runtimes.get(key);
		if (kept === undefined) {
			const dataflow = vega.parse(vegaLite.compile(shape).spec) as unknown as { operators: Array<{ value?: { $ingest?: unknown } }> };
			const slots = dataflow.operators.flatMap((op, i) => {
				const ingest = op.value?.$ingest;
				return Array.isArray(ingest) && ingest.length === 1 && ingest[0]?.[STAND_IN] === true ? [i] : [];
			});
			kept = slots.length === 1 ? { text: JSON.stringify(dataflow), slot: slots[0] } : null;
			if (runtimes.size >= 64) runtimes.clear();
			runtimes.set(key, kept);
		}
		if (kept) {
			const dataflow = JSON.parse(kept.text);
			dataflow.operators[kept.slot].value.$ingest = rows;
			runtime = dataflow;
		}
	}
	const view = new vega.View(runtime ?? vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
	try {
		return await view.toSVG();
	} finally {
		view.finalize();
	}
}

/** A shape's parsed dataflow (vega-runtime's JSON) and the operator that takes a chart's rows. */
export interface KeptDataflow {
	text: string;
	slot: number;
}

/** Parsed dataflows of this thread's drawings, by shape (drawSvg). */
const runtimes = new Map<string, KeptDataflow | null>();

/** Server-side SVG, in this thread (render-pool.ts draws many on worker threads). Labels come from
 *  admin-entered text (wave labels, measure names): no invisible controls in print. Vega and Vega-Lite
 *  load on the first drawing: the server, the dashboard's engine and the CLI's flag checks start
 *  without them (half a second of CPU each time). */
export const renderSvg = async (spec: TopLevelSpec): Promise<string> => {
	const [vegaLite, vega] = await Promise.all([import('vega-lite'), import('vega')]);
	return withoutControls(await drawSvg(vegaLite, vega, spec, runtimes));
};

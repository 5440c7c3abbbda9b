// The look every chart shares (charts.ts, charts-breakdowns.ts, charts-change.ts): one font, and
// label limits of 0, which are no limit, so long competency, sector and measure names are shown whole,
// never cut to "…" (the server renders without a canvas and estimates text widths generously). No
// text is smaller than MIN_FONT_SIZE: Vega's own defaults put facet headers and text marks at 10 px.
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const MIN_FONT_SIZE = 11;

export const CHART_CONFIG = {
	font: 'Arial, Helvetica, sans-serif',
	view: { stroke: null },
	axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
	legend: { labelFontSize: 11, labelLimit: 0, titleLimit: 0 },
	header: { labelLimit: 0, labelFontSize: MIN_FONT_SIZE, titleFontSize: 12 },
	text: { fontSize: MIN_FONT_SIZE },
	title: { fontSize: 13 }
} as const;

// How figures are written wherever a person reads them (dashboard tables and charts, the static
// reports, CSV downloads): one number format (en-GB) and one mark for a figure that disclosure control
// hides, "[c]" for confidential as in the GSS guidance on symbols in tables.
export const SUPPRESSED_MARK = '[c]';

/** The legend beside every table or chart that may carry the mark. */
export const suppressedLegend = (threshold: number) => `${SUPPRESSED_MARK} fewer than ${threshold} people: hidden to protect anonymity`;

const formats = new Map<number | undefined, Intl.NumberFormat>();
/** A number in en-GB, with a fixed number of decimals when given (percentages 1, means 2). A value that
 *  rounds to zero is written without a sign: "0.0", never "−0.0". */
export function formatNumber(value: number, decimals?: number): string {
	const digits =
		decimals === undefined ? { maximumFractionDigits: 2 } : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
	if (!formats.has(decimals)) formats.set(decimals, new Intl.NumberFormat('en-GB', { ...digits, signDisplay: 'negative' }));
	return formats.get(decimals)!.format(value);
}

/** The fewest people for a share to be given to one decimal place. Below it a share's standard error
 *  is 1.6 points or more (at 50%), so a tenth of a point claims more than the data hold: whole
 *  percentages (docs/intervals.md, "Decimals that fit the base"). */
export const SHARE_DECIMAL_BASE = 1000;

/** Decimals for a share (and its interval) of a group of `base` people, as published. */
export const shareDecimals = (base: unknown) => (typeof base === 'number' && base >= SHARE_DECIMAL_BASE ? 1 : 0);

/** One number of decimals per measure wherever it is written: percentages as their base allows, scores
 *  and means 2. */
export const measureDecimals = (d: { unit?: unknown; base?: unknown }) => (d.unit === '%' ? shareDecimals(d.base) : 2);

/** A table cell's text: the number in en-GB, the mark where disclosure control hid the figure, and a
 *  dash where there is no figure at all (a measure with no target, a first wave with no change). */
export function figureText(value: unknown, suppressed: boolean, decimals?: number): string {
	if (value === null || value === undefined || value === '') return suppressed ? SUPPRESSED_MARK : '–';
	return typeof value === 'number' ? formatNumber(value, decimals) : String(value);
}

/** A data table column as far as writing its cells goes: fixed decimals, or decimals per row (success
 *  measures mix percentages, 1 decimal, and scores, 2) named by a row field. */
export interface FigureColumn {
	key: string;
	decimals?: number;
	decimalsFrom?: string;
	/** A share: decimals as its base allows (shareDecimals), the base named by this row field. */
	baseFrom?: string;
}

/** The text of one cell of a chart's data table, the same in the dashboard and the static reports. */
export function cellText(row: Record<string, unknown>, column: FigureColumn): string {
	const decimals = column.baseFrom
		? shareDecimals(row[column.baseFrom])
		: (column.decimals ?? (column.decimalsFrom ? Number(row[column.decimalsFrom]) : undefined));
	return figureText(row[column.key], Boolean(row.suppressed), decimals);
}

// Just enough of a PDF reader for tests of Chromium's print-to-PDF (Skia writes its page tree and
// outline as plain objects): the pages in order, and the outline's headings with the page each is on.

const objectText = (pdf: string, id: string) => new RegExp(`(?:^|\\n)${id} 0 obj\\n([\\s\\S]*?)\\nendobj`).exec(pdf)?.[1] ?? '';

/** Page object ids in reading order, from the catalogue's page tree. */
export function pdfPages(bytes: Uint8Array): string[] {
	const pdf = Buffer.from(bytes).toString('latin1');
	const root = /\/Type \/Catalog[\s\S]*?\/Pages (\d+) 0 R/.exec(pdf)?.[1];
	if (!root) throw new Error('no page tree in this PDF');
	const walk = (id: string): string[] => {
		const node = objectText(pdf, id);
		if (/\/Type \/Page\b(?!s)/.test(node)) return [id];
		const kids = /\/Kids \[([^\]]*)\]/.exec(node)?.[1] ?? '';
		return [...kids.matchAll(/(\d+) 0 R/g)].flatMap((m) => walk(m[1]));
	};
	return walk(root);
}

/** Every outline entry (the report's headings) with its 1-based page number and, where the PDF gives
 *  it, how far up the page the heading is (points from the bottom edge; an A4 page is 842 high). */
export function pdfOutline(bytes: Uint8Array): Array<{ title: string; page: number; top?: number }> {
	const pdf = Buffer.from(bytes).toString('latin1');
	const pages = pdfPages(bytes);
	return [...pdf.matchAll(/\n\d+ 0 obj\n<<\/Title \(((?:\\.|[^\\)])*)\)\n\/Dest \[(\d+) 0 R(?: \/XYZ [\d.-]+ ([\d.-]+))?/g)].map((m) => ({
		title: m[1].replace(/\\(.)/g, '$1'),
		page: pages.indexOf(m[2]) + 1,
		...(m[3] !== undefined && { top: Number(m[3]) })
	}));
}

import type { Section } from '$lib/instrument';

/** The error summary's entries: each field error links to the field's first input, in page order. */
export function errorList(section: Section, fieldErrors: Record<string, string[]>, problem: string) {
	const order = section.questions.map((q) => q.id);
	const known = Object.keys(fieldErrors)
		.filter((id) => order.includes(id))
		.sort((a, b) => order.indexOf(a) - order.indexOf(b))
		.flatMap((id) => fieldErrors[id].map((message) => ({ href: `#${id}-1`, message })));
	// Errors about questions on other steps (or about the request) are listed without a link target here.
	const others = Object.entries(fieldErrors)
		.filter(([id]) => !order.includes(id))
		.flatMap(([, messages]) => messages.map((message) => ({ href: '#maincontent', message })));
	const general = problem && known.length + others.length === 0 ? [{ href: '#maincontent', message: problem }] : [];
	return [...known, ...others, ...general];
}

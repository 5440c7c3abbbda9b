// Keeps only the stylesheet rules whose classes the app uses: nhsuk-frontend's full stylesheet is
// 278 KB, more than a survey step may weigh. Run once, at build time, when the stylesheet is prerendered.
import postcss, { type Root } from 'postcss';

/** Every `nhsuk-…` class named in the app's source (templates, class: directives, strings). */
export function classesIn(sources: string[]): Set<string> {
	const used = new Set<string>();
	for (const source of sources) for (const m of source.matchAll(/nhsuk-[a-z0-9_-]*[a-z0-9]/gi)) used.add(m[0]);
	return used;
}

/** A selector is kept when every class it needs is used (classes inside :not() are not needed). */
const needed = (selector: string) => [...selector.replace(/:not\([^)]*\)/g, '').matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].map((m) => m[1]);

export function pruneCss(css: string, used: Set<string>): string {
	const root: Root = postcss.parse(css);
	root.walkRules((rule) => {
		if (rule.parent?.type === 'atrule' && /keyframes$/i.test((rule.parent as { name: string }).name)) return;
		const kept = rule.selectors.filter((s) => needed(s).every((c) => !c.startsWith('nhsuk-') || used.has(c)));
		if (kept.length === 0) rule.remove();
		else rule.selectors = kept;
	});
	// At-rules left empty (media queries whose rules all went) go too.
	let removed = true;
	while (removed) {
		removed = false;
		root.walkAtRules((at) => {
			if (at.nodes && at.nodes.length === 0) {
				at.remove();
				removed = true;
			}
		});
	}
	return root.toString();
}

// The filter changes the dashboard benchmark times and the dashboard's golden test checks: every
// region and England, each sector, staff group and specialty, combinations, and the earlier wave.
import { ENGLAND, regions, sectors, specialties, staffGroups } from '../../src/lib/instrument/reference';

export type DashboardFilterInput = Record<string, string>;

/** The national planner's filter changes: scope, one filter at a time, then combinations. A regional
 *  planner makes the same changes within their own region. */
export function filterChanges(): DashboardFilterInput[] {
	const out: DashboardFilterInput[] = [{}, ...[ENGLAND, ...regions].map((r) => ({ region: r.code }))];
	out.push(
		...sectors.map((s) => ({ sector: s.code })),
		...staffGroups.map((s) => ({ staffGroup: s.code })),
		...specialties.map((s) => ({ specialty: s.code }))
	);
	regions.forEach((r, i) => {
		out.push({ region: r.code, sector: sectors[i % sectors.length].code, staffGroup: staffGroups[i % staffGroups.length].code });
		out.push({ region: r.code, specialty: specialties[i % specialties.length].code, wave: '2025-26' });
	});
	out.push({ wave: '2025-26' }, { wave: '2025-26', sector: 'community', staffGroup: 'pharmacist' });
	return out;
}

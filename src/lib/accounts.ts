import { regions } from './instrument/reference';

/** Roles in words, for pages (the stored codes are national, regional, admin). */
export const ROLE_NAMES: Record<string, string> = { national: 'National planner', regional: 'Regional planner', admin: 'Administrator' };

export const regionName = (code: string | null) => (code ? (regions.find((r) => r.code === code)?.name ?? code) : '');

/** "Regional planner for London", "Administrator". */
export const roleInWords = (role: string, region: string | null) =>
	`${ROLE_NAMES[role] ?? role}${region ? ` for ${regionName(region)}` : ''}`;

/** "a regional planner for London", "an administrator": for sentences. */
export function aRole(role: string, region: string | null) {
	const name = (ROLE_NAMES[role] ?? role).toLowerCase();
	return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}${region ? ` for ${regionName(region)}` : ''}`;
}

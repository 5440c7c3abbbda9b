// Reference lists live under data/ (with their sources); the instrument and reports read them here.
import regionsFile from '../../../data/reference/regions.json';
import alliancesFile from '../../../data/reference/alliances.json';
import staffGroupsFile from '../../../data/reference/staff-groups.json';
import sectorsFile from '../../../data/reference/sectors.json';
import specialtiesFile from '../../../data/reference/specialties.json';
import competenciesFile from '../../../data/reference/competencies.json';
import resourcesFile from '../../../data/reference/resources.json';

export interface Region {
	code: string;
	nhsCode: string;
	name: string;
}
export interface Coded {
	code: string;
	name: string;
	exclusive?: boolean;
}
export interface Competency {
	code: string;
	name: string;
	statement: string;
}
export interface Resource {
	competency: string;
	title: string;
	provider: string;
	format: string;
	url: string;
}

export const ENGLAND: { code: string; name: string } = regionsFile.england;
export const regions: Region[] = regionsFile.regions;
export const alliances: Coded[] = alliancesFile.alliances;
export const staffGroups: Coded[] = staffGroupsFile.staffGroups;
export const sectors: Coded[] = sectorsFile.sectors;
export const specialties: Coded[] = specialtiesFile.specialties;
export const competencies: Competency[] = competenciesFile.competencies;
export const resources: Resource[] = resourcesFile.resources;

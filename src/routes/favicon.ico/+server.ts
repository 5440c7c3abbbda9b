// Browsers ask for /favicon.ico on pages that name no icon (the published reports, a CSV opened in a
// tab): without this the console shows a "Not found". The NHS icon lives with the other images.
import { redirect } from '@sveltejs/kit';

export const GET = () => redirect(308, '/assets/images/favicon.svg');

import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { opensOnOverview } from '$lib/state/start-screen';

export function load(): void {
	if (opensOnOverview()) redirect(307, resolve('/accounts'));
}

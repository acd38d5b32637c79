import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { warmUp } from '$lib/exchanges/registry';
import { loadChoice } from '$lib/state/preferences';
import { opensOnOverview } from '$lib/state/start-screen';

export function load(): void {
	if (opensOnOverview()) redirect(307, resolve('/accounts'));
	// Before the page renders: the venue's start-up (the Demo's worker) runs alongside it.
	warmUp(loadChoice());
}

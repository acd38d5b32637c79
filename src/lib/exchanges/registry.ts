import { createBitmartAdapter } from './bitmart/adapter';
import { checkEndpoints, describeEndpointProblems, ENDPOINT_PRESETS } from './endpoints';
import type { Endpoints, ExchangeAdapter, VenueId } from './types';

export interface VenueInfo {
	id: VenueId;
	label: string;
	/** False while the venue's adapter is still to be written. */
	available: boolean;
	needsEndpoints: boolean;
}

export const VENUES: VenueInfo[] = [
	{ id: 'demo', label: 'Demo (simulated, offline)', available: true, needsEndpoints: false },
	{ id: 'bitmart', label: 'BitMart Futures V2', available: true, needsEndpoints: true },
	{ id: 'bitget', label: 'Bitget USDT-M (coming)', available: false, needsEndpoints: true },
	{ id: 'ascendex', label: 'AscendEX futures (coming)', available: false, needsEndpoints: true }
];

/** What the user picked: a venue and, for real venues, where to reach it. */
export interface ConnectionChoice {
	venue: VenueId;
	presetId: string;
	endpoints?: Endpoints;
}

export const DEFAULT_CHOICE: ConnectionChoice = { venue: 'demo', presetId: 'demo' };

export function defaultEndpoints(venue: Exclude<VenueId, 'demo'>): Endpoints {
	return { ...ENDPOINT_PRESETS[venue][0].endpoints };
}

export async function createAdapter(choice: ConnectionChoice): Promise<ExchangeAdapter> {
	switch (choice.venue) {
		case 'demo': {
			const { createDemoAdapter } = await import('./demo/adapter');
			return createDemoAdapter();
		}
		case 'bitmart': {
			const endpoints = choice.endpoints ?? defaultEndpoints('bitmart');
			// The last gate before a request: whatever path the endpoints came by, they pass the checks.
			const problem = describeEndpointProblems(checkEndpoints(endpoints));
			if (problem) throw new Error(`These endpoints cannot be used. ${problem}`);
			return createBitmartAdapter({ venue: 'bitmart', endpoints });
		}
		default:
			throw new Error(`${choice.venue} is not supported yet.`);
	}
}

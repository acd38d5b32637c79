import { createBitmartAdapter } from './bitmart/adapter';
import { ENDPOINT_PRESETS } from './endpoints';
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
		case 'bitmart':
			return createBitmartAdapter({
				venue: 'bitmart',
				endpoints: choice.endpoints ?? defaultEndpoints('bitmart')
			});
		default:
			throw new Error(`${choice.venue} is not supported yet.`);
	}
}

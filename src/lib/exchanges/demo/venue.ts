import { BITMART_CREDENTIALS } from '../bitmart/venue';
import { DEMO_HOST } from '../hosts.js';
import type { VenueDescription } from '../types';

/** The Demo venue speaks BitMart's protocol to the in-page simulator, with BitMart's credentials. */
export const DEMO_VENUE: VenueDescription = {
	id: 'demo',
	name: 'Demo',
	note: 'simulated, offline',
	about: 'The demo runs a simulated BitMart exchange inside this page: no keys, no network.',
	available: true,
	needsEndpoints: false,
	credentials: BITMART_CREDENTIALS,
	keySetup: { intro: 'The demo account comes with its own simulator-only key.', permissions: [] },
	presets: [
		{
			id: 'demo',
			label: 'In-page simulator',
			endpoints: {
				rest: `https://${DEMO_HOST}`,
				publicWs: `wss://${DEMO_HOST}/api?protocol=1.1`,
				privateWs: `wss://${DEMO_HOST}/user?protocol=1.1`
			}
		}
	],
	positionModes: ['hedge', 'one-way'],
	sizeUnit: 'contracts',
	sizeRounding: 'nearest'
};

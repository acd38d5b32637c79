/**
 * The venue registry: the one module above a venue folder that names venues. Everything else
 * (components, pages, state, the vault) reads venues through it: their display names, the
 * credentials their keys come with, their endpoint presets, position modes and size units, and
 * builds adapters with createAdapter.
 */
import { demoWorker } from './demo/worker';
import { ASCENDEX_VENUE } from './ascendex/venue';
import { BITGET_VENUE } from './bitget/venue';
import { BITMART_VENUE } from './bitmart/venue';
import { DEMO_VENUE } from './demo/venue';
import { checkEndpoints, describeEndpointProblems } from './endpoints';
import { DEMO_HOST } from './hosts.js';
import type { SizeRules } from '$lib/domain/close-planner';
import type {
	EndpointPreset,
	Endpoints,
	ExchangeAdapter,
	VenueDescription,
	VenueId
} from './types';

export type { CredentialField, VenueDescription } from './types';
export type { SizeRules } from '$lib/domain/close-planner';

/** Every venue, in the order pickers list them. */
export const VENUES: readonly VenueDescription[] = [
	DEMO_VENUE,
	BITMART_VENUE,
	BITGET_VENUE,
	ASCENDEX_VENUE
];

/** The preset id of hand-entered endpoints (a relay, a local simulator). */
export const CUSTOM_PRESET_ID = 'custom';

/** The credential ids every venue has; any other field is a venue extra. */
export const API_KEY_FIELD = 'apiKey';
export const SECRET_FIELD = 'secret';

export function isVenueId(value: unknown): value is VenueId {
	return typeof value === 'string' && VENUES.some((v) => v.id === value);
}

export function venueOf(id: VenueId): VenueDescription {
	const venue = VENUES.find((v) => v.id === id);
	if (!venue) throw new Error(`Unknown exchange ${JSON.stringify(id)}`);
	return venue;
}

/** The display name; the id itself for something the registry does not know (an old record). */
export function venueName(id: VenueId): string {
	return VENUES.find((v) => v.id === id)?.name ?? String(id);
}

/** How the venue counts and rounds order sizes, as the close planner takes it. */
export function sizeRulesOf(id: VenueId): SizeRules {
	const venue = venueOf(id);
	return { unit: venue.sizeUnit, rounding: venue.sizeRounding };
}

/** Whether the venue's keys get a second signing key over the base64-decoded secret. */
export function decodesSecret(id: VenueId): boolean {
	return VENUES.find((v) => v.id === id)?.secretMayBeBase64 === true;
}

/** The venues a user adds an account for with their own key. */
export function keyedVenues(): VenueDescription[] {
	return VENUES.filter((v) => v.needsEndpoints);
}

/** The credential fields that are not the API key or the secret. */
export function extraFields(venue: VenueDescription) {
	return venue.credentials.filter((f) => f.id !== API_KEY_FIELD && f.id !== SECRET_FIELD);
}

/** Presets per venue, derived from the registry. The first preset is the default. */
export const ENDPOINT_PRESETS: Record<Exclude<VenueId, 'demo'>, EndpointPreset[]> = {
	bitmart: [...BITMART_VENUE.presets],
	bitget: [...BITGET_VENUE.presets],
	ascendex: [...ASCENDEX_VENUE.presets]
};

export function findPreset(venue: VenueId, presetId: string): EndpointPreset | undefined {
	return VENUES.find((v) => v.id === venue)?.presets.find((p) => p.id === presetId);
}

/** The preset id of an account served by its venue's in-page simulator (the Demo picker). */
export const IN_PAGE_PRESET_ID = 'in-page';
const IN_PAGE_VENUES: readonly VenueId[] = ['bitget', 'ascendex'];

/** Whether an account or a connection may name this preset: one of the venue's, or custom. */
export function isPresetId(venue: VenueId, presetId: unknown): presetId is string {
	if (typeof presetId !== 'string') return false;
	if (presetId === IN_PAGE_PRESET_ID) return IN_PAGE_VENUES.includes(venue);
	return presetId === CUSTOM_PRESET_ID || findPreset(venue, presetId) !== undefined;
}

/** The preset whose endpoints these are, or custom: for records stored before presets were kept. */
export function presetIdFor(venue: VenueId, endpoints: Endpoints): string {
	const preset = VENUES.find((v) => v.id === venue)?.presets.find(
		(p) =>
			p.endpoints.rest === endpoints.rest &&
			p.endpoints.publicWs === endpoints.publicWs &&
			p.endpoints.privateWs === endpoints.privateWs
	);
	return preset?.id ?? CUSTOM_PRESET_ID;
}

/**
 * Vault records sealed before credentials were venue-neutral (format 1) kept the venue's one extra
 * credential under the key `memo`, whatever the venue calls it. Returns the extras by field id,
 * or null when the record does not have that shape.
 */
export function fieldsFromFormat1(
	venue: VenueId,
	payload: Readonly<Record<string, unknown>>
): Record<string, string> | null {
	const extra = payload.memo;
	if (typeof extra !== 'string') return null;
	const field = VENUES.find((v) => v.id === venue)?.credentials.find(
		(f) => f.id !== API_KEY_FIELD && f.id !== SECRET_FIELD
	);
	// A venue without an extra stored '' there: nothing to keep.
	if (!field) return extra === '' ? {} : null;
	return { [field.id]: extra };
}

/** What the user picked: a venue and, for real venues, where to reach it. */
export interface ConnectionChoice {
	venue: VenueId;
	presetId: string;
	endpoints?: Endpoints;
}

export const DEFAULT_CHOICE: ConnectionChoice = { venue: 'demo', presetId: 'demo' };

export function defaultEndpoints(venue: VenueId): Endpoints {
	const preset = venueOf(venue).presets[0];
	if (!preset) throw new Error(`${venueName(venue)} has no endpoint presets.`);
	return { ...preset.endpoints };
}

/** The Demo venue's try-it account: a public, simulator-only key, and where it connects. */
export async function demoAccount() {
	const { DEMO_ACCOUNT, demoEndpoints } = await import('./demo/adapter');
	return { account: DEMO_ACCOUNT, endpoints: await demoEndpoints() };
}

/** One try-it account of the Demo picker: simulator-only keys, served inside the page. */
export interface DemoChoice {
	venue: VenueId;
	presetId: string;
	label: string;
	apiKey: string;
	secret: string;
	fields: Record<string, string>;
	endpoints: Endpoints;
}

/** The venues the Demo picker offers, in picker order. */
export const DEMO_VENUES: readonly VenueId[] = ['demo', ...IN_PAGE_VENUES];

/** Whether an account is one of the Demo picker's (served inside the page). */
export function isDemoAccount(venue: VenueId, endpoints: Endpoints): boolean {
	if (venue === 'demo') return true;
	try {
		return new URL(endpoints.rest).hostname.endsWith(`.${DEMO_HOST}`);
	} catch {
		return false;
	}
}

/** How the Demo picker names a venue: the Demo venue speaks BitMart's protocol. */
export function demoPickerName(venue: VenueId): string {
	return venue === 'demo' ? venueName('bitmart') : venueName(venue);
}

/** The Demo picker's account for a venue (BitMart's protocol is the Demo venue itself). */
export async function demoChoice(venue: VenueId): Promise<DemoChoice> {
	switch (venue) {
		case 'demo': {
			const { account, endpoints } = await demoAccount();
			return { venue, presetId: 'demo', ...account, fields: { ...account.fields }, endpoints };
		}
		case 'bitget': {
			const [{ BITGET_DEMO_ACCOUNT: a }, { BITGET_IN_PAGE_ENDPOINTS }] = await Promise.all([
				import('./bitget/demo-account'),
				import('./bitget/demo')
			]);
			return {
				venue,
				presetId: IN_PAGE_PRESET_ID,
				label: a.label,
				apiKey: a.apiKey,
				secret: a.secret,
				fields: { ...a.fields },
				endpoints: { ...BITGET_IN_PAGE_ENDPOINTS }
			};
		}
		case 'ascendex': {
			const [{ ASCENDEX_DEMO_ACCOUNT: a }, { ASCENDEX_IN_PAGE_ENDPOINTS }] = await Promise.all([
				import('./ascendex/demo-account'),
				import('./ascendex/demo')
			]);
			return {
				venue,
				presetId: IN_PAGE_PRESET_ID,
				label: a.label,
				apiKey: a.apiKey,
				secret: a.secret,
				fields: {},
				endpoints: { ...ASCENDEX_IN_PAGE_ENDPOINTS }
			};
		}
		default:
			throw new Error(`${venueName(venue)} has no demo account.`);
	}
}

/**
 * Starts what a venue needs before its first request, so a cold load overlaps it with rendering
 * the page: today the Demo's simulator worker, whose script download and seeding are on the way
 * to the first book row. Safe to call more than once; failures surface from createAdapter later.
 */
export function warmUp(choice: ConnectionChoice): void {
	if (choice.venue !== 'demo') return;
	demoWorker();
	import('./demo/adapter').then((m) => m.createDemoAdapter()).catch(() => undefined);
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
			// BitMart's presets carry no headers: its demo is a host of its own. Each venue's code
			// loads when it is used, so a screen on one venue carries none of the others.
			const { createBitmartAdapter } = await import('./bitmart/adapter');
			return createBitmartAdapter({ venue: 'bitmart', endpoints });
		}
		case 'ascendex': {
			if (choice.presetId === IN_PAGE_PRESET_ID) {
				const { createAscendexDemoAdapter } = await import('./ascendex/demo');
				return createAscendexDemoAdapter();
			}
			const endpoints = choice.endpoints ?? defaultEndpoints('ascendex');
			const problem = describeEndpointProblems(checkEndpoints(endpoints));
			if (problem) throw new Error(`These endpoints cannot be used. ${problem}`);
			const { createAscendexAdapter } = await import('./ascendex/adapter');
			return createAscendexAdapter({ endpoints });
		}
		case 'bitget': {
			if (choice.presetId === IN_PAGE_PRESET_ID) {
				const { createBitgetDemoAdapter } = await import('./bitget/demo');
				return createBitgetDemoAdapter();
			}
			const preset = findPreset('bitget', choice.presetId);
			const endpoints = choice.endpoints ?? {
				...(preset ?? venueOf('bitget').presets[0]).endpoints
			};
			const problem = describeEndpointProblems(checkEndpoints(endpoints));
			if (problem) throw new Error(`These endpoints cannot be used. ${problem}`);
			// Bitget's demo shares the production REST host: the preset's header selects it.
			const headers = preset?.headers;
			const { createBitgetAdapter } = await import('./bitget/adapter');
			return createBitgetAdapter({ endpoints, headers });
		}
		default:
			throw new Error(`${venueName(choice.venue)} is not supported yet.`);
	}
}

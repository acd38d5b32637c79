/**
 * The AscendEX demo account of the in-page simulator: a public, simulator-only key and the
 * positions it starts with (signed base quantity, one-way). Data only, for the worker too.
 */
export const ASCENDEX_DEMO_ACCOUNT = {
	label: 'Demo AscendEX',
	apiKey: 'perchdemoAscendex0000000000000000',
	secret: 'perchDemoAscendexSecretSimulatorOnly0000000000000000000000000000',
	fields: {},
	accountGroup: 6
} as const;

export const ASCENDEX_DEMO_SEEDS = [
	{ symbol: 'BTC-PERP', position: '0.25', offset: -0.003, leverage: 10, mode: 'crossed' },
	{ symbol: 'ETH-PERP', position: '-1.5', offset: 0.002, leverage: 5, mode: 'isolated' }
] as const;

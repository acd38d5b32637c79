/** Where the Demo venue points. `.invalid` can never resolve, so nothing reaches a network. */
export const DEMO_ENDPOINTS = {
	rest: 'https://demo.perch.invalid',
	publicWs: 'wss://demo.perch.invalid/api?protocol=1.1',
	privateWs: 'wss://demo.perch.invalid/user?protocol=1.1'
} as const;

/**
 * Where the Demo's in-page Bitget and AscendEX simulators answer: `.invalid` hosts under the
 * Demo's, never resolvable. (AscendEX's private base takes the account group like its presets.)
 * `wspap.` stands for Bitget's demo-trading WebSocket host.
 */
export const BITGET_DEMO_ENDPOINTS = {
	rest: 'https://bitget.demo.perch.invalid',
	publicWs: 'wss://bitget.demo.perch.invalid/v2/ws/public',
	privateWs: 'wss://bitget.demo.perch.invalid/v2/ws/private',
	demoPublicWs: 'wss://wspap.bitget.demo.perch.invalid/v2/ws/public',
	demoPrivateWs: 'wss://wspap.bitget.demo.perch.invalid/v2/ws/private'
} as const;

export const ASCENDEX_DEMO_ENDPOINTS = {
	rest: 'https://ascendex.demo.perch.invalid',
	publicWs: 'wss://ascendex.demo.perch.invalid/api/pro/v2/stream',
	privateWs: 'wss://ascendex.demo.perch.invalid/api/pro/v2/stream'
} as const;

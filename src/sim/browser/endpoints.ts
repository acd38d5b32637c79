/** Where the Demo venue points. `.invalid` can never resolve, so nothing reaches a network. */
export const DEMO_ENDPOINTS = {
	rest: 'https://demo.perch.invalid',
	publicWs: 'wss://demo.perch.invalid/api?protocol=1.1',
	privateWs: 'wss://demo.perch.invalid/user?protocol=1.1'
} as const;

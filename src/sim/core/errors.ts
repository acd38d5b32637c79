/** BitMart's documented error codes, messages and HTTP statuses (docs: "Error Code"). */
export const ERRORS = {
	notFound: { code: 30000, message: 'Not found', status: 404 },
	keyEmpty: { code: 30001, message: 'Header X-BM-KEY is empty', status: 401 },
	keyNotFound: { code: 30002, message: 'Header X-BM-KEY not found', status: 401 },
	signEmpty: { code: 30004, message: 'Header X-BM-SIGN is empty', status: 401 },
	signWrong: { code: 30005, message: 'Header X-BM-SIGN is wrong', status: 401 },
	timestampEmpty: { code: 30006, message: 'Header X-BM-TIMESTAMP is empty', status: 401 },
	timestampRange: {
		code: 30007,
		message: 'Header X-BM-TIMESTAMP range. Within a minute',
		status: 401
	},
	timestampFormat: { code: 30008, message: 'Header X-BM-TIMESTAMP invalid format', status: 401 },
	tooManyRequests: { code: 30013, message: 'Request too many requests', status: 429 },
	bodyNotJson: { code: 30018, message: 'Request Body requires JSON format', status: 503 },
	parseParameter: { code: 40007, message: 'Parse parameter error', status: 400 },
	positionVolumeNotEnough: {
		code: 40020,
		message: 'Your position volume is not enough',
		status: 400
	},
	positionNotExist: { code: 40021, message: 'The position is not exsit', status: 400 },
	balanceNotEnough: {
		code: 40027,
		message: 'You contract account available balance not enough',
		status: 400
	},
	leverageTooLarge: { code: 40029, message: "The order's leverage is too large.", status: 400 },
	symbolNotExist: { code: 40034, message: 'The Symbol is not exist', status: 400 },
	orderNotExist: { code: 40035, message: 'The order is not exist', status: 400 },
	klineStep: { code: 40038, message: 'The k-line step is invalid', status: 400 },
	timestampInvalid: { code: 40039, message: 'The timestamp is invalid', status: 400 },
	leverageInvalid: { code: 40040, message: 'The order leverage is invalid', status: 400 },
	sideInvalid: { code: 40041, message: 'The order side is invalid', status: 400 },
	typeInvalid: { code: 40042, message: 'The order type is invalid', status: 400 },
	precisionInvalid: { code: 40043, message: 'The order precision is invalid', status: 400 },
	rangeInvalid: { code: 40044, message: 'The order range is invalid', status: 400 },
	openTypeInvalid: { code: 40045, message: 'The order open type is invalid', status: 400 },
	clientOrderIdChars: {
		code: 40048,
		message: 'ClientOrderId only allows a combination of numbers and letters',
		status: 403
	},
	clientOrderIdLength: {
		code: 40049,
		message: 'The maximum length of clientOrderId cannot exceed 32',
		status: 403
	},
	clientOrderIdDuplicated: {
		code: 40050,
		message: 'Client OrderId duplicated with existing orders',
		status: 403
	}
} as const;

export type SimError = (typeof ERRORS)[keyof typeof ERRORS];

/** Thrown inside request handlers; the router turns it into the documented JSON body. */
export class SimRestError extends Error {
	constructor(readonly error: SimError) {
		super(error.message);
	}
}

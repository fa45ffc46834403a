// The domain raises the contract's error codes (the contract is the module's vocabulary).
export { orderingErrors, raise, type OrderingErrorCode } from '../contract.ts';

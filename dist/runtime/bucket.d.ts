/** The total weight of every flag file the registry writes. */
export declare const TOTAL_WEIGHT = 10000;
/**
 * The bucket flagd's `fractional` gives a targeting key for a flag: murmur3 of flag key + targeting
 * key (UTF-8), scaled to [0, TOTAL_WEIGHT). The product stays below 2^53, so the division is exact.
 */
export declare function bucketOf(promptId: string, key: string): number;
/** The canary's weight in the flag file: `round(percent * 100)` of 10000. */
export declare function canaryWeight(percent: number): number;
/**
 * True when `key` lands on the canary. The canary is the first bucket range, so raising the percent
 * only adds keys to it. An empty key is stable, as flagd treats a missing targeting key.
 */
export declare function inCanary(promptId: string, key: string, percent: number): boolean;

/** MurmurHash3, x86 32-bit, over bytes: the hash flagd's `fractional` uses. */
export declare function murmur3(bytes: Uint8Array, seed?: number): number;

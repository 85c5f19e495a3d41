/** MurmurHash3, x86 32-bit, over bytes: the hash flagd's `fractional` uses. */
export function murmur3(bytes: Uint8Array, seed = 0): number {
  let hash = seed >>> 0
  const length = bytes.length
  const blocks = length - (length % 4)
  for (let i = 0; i < blocks; i += 4) {
    const block = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)
    hash ^= scramble(block)
    hash = rotateLeft(hash, 13)
    hash = (Math.imul(hash, 5) + 0xe6546b64) | 0
  }
  const rest = length % 4
  if (rest > 0) {
    let tail = 0
    if (rest === 3) tail ^= bytes[blocks + 2]! << 16
    if (rest >= 2) tail ^= bytes[blocks + 1]! << 8
    tail ^= bytes[blocks]!
    hash ^= scramble(tail)
  }
  hash ^= length
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

function scramble(block: number): number {
  return Math.imul(rotateLeft(Math.imul(block, 0xcc9e2d51), 15), 0x1b873593)
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits))
}

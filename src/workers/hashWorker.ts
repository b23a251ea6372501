// Hash worker entry point (placeholder until the hashing module lands).
export {};

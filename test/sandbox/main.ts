// Sandbox entry point (placeholder until the sandbox lands).
export {};

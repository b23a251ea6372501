// CLI entry point (placeholder until the API client lands).
console.log('koodrive');

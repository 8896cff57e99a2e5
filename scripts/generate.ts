// Placeholder until the CRD generator lands; see issue 2.
console.log('generate: nothing to generate yet');

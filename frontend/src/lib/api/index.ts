// Every call of the API, by resource; each module sends through client.ts.
export * from './client';
export * from './users';
export * from './agenda';
export * from './notes';
export * from './outcomes';
export * from './actions';
export * from './register';
export * from './search';
export * from './digest';
export * from './record';
export * from './feeds';

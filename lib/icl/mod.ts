/** (in progress) @module */
export {};

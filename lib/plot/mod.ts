/** Figures: Vega-Lite spec builders, headless SVG rendering, Jupyter display. @module */
export * from "./specs.ts";
export * from "./render.ts";
export * from "./display.ts";

export declare const ALLOWED: Record<string, string[] | null>;
export declare function layerOf(absFile: string): string | null;
export declare function violation(fromFile: string, source: string): string | null;
declare const plugin: { rules: Record<string, unknown> };
export default plugin;

/** Types of transpile.mjs (plain JavaScript so the image build runs it with node alone). */
export declare function transpileProject(project: string, outDir?: string): string[];

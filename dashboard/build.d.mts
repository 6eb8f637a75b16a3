/** The files the server serves under /dashboard/, by name. */
export declare const DASHBOARD_FILES: readonly string[];
export declare function dashboardPaths(root: string): { source: string; output: string };
/** Whether the bundle is missing, or a source (a checkout with dashboard/) is newer than it. */
export declare function dashboardIsStale(root: string): boolean;
/** Bundles the page into dist/dashboard; resolves to the names of the files written. */
export declare function buildDashboard(root: string): Promise<string[]>;

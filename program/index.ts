import { buildStack } from "../components/stack";

// The stack program (Pulumi.yaml `main: program/`): reads the stack's config and builds its proxies.
// Stack outputs: `proxies` (per proxy: URLs, SDK settings and snippet, DNS records, notes) and `warnings`.
export = buildStack();
